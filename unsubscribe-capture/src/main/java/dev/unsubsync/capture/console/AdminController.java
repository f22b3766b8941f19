package dev.unsubsync.capture.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.unsubsync.capture.history.HistoryStreams;
import dev.unsubsync.capture.history.PeerCalls;
import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code /v1/admin}: what the admin console needs beyond capture's own API, in one place and with one login. The
 * reconciler's runs and the pusher's live Salesforce checks are relayed (capture holds the token for them, the browser
 * never does); the pusher's lag, parked and dead-lettered counts come from Kafka; unsubscribes per day and source from
 * the history store of every capture instance.
 */
@Controller("/v1/admin")
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "consoleSession")
@RequiresScope(Scope.ADMIN)
@ExecuteOn(TaskExecutors.BLOCKING)
public class AdminController {

    /** The pusher as the console shows it. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PusherView(String status,
            @Schema(types = {
                    "object", "null"}, description = "the pusher's own /health answer") @Nullable Object health,
            PipelineFigures.Figures figures) {
    }

    /** One day of the chart. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Day(String day, Map<String, Long> counts) {
    }

    /** Unsubscribes per day and source; {@code complete} is false when an instance holding some of them did not answer. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Daily(List<Day> days, List<String> sources, boolean complete) {
    }

    private final CaptureConfiguration config;
    private final PipelineFigures figures;
    private final Optional<HistoryStreams> history;
    private final JsonMapper json;
    private final Clock clock;
    private final PeerCalls peers;
    private final ServiceRelay relay;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public AdminController(CaptureConfiguration config, PipelineFigures figures, Optional<HistoryStreams> history, JsonMapper json, Clock clock,
            PeerCalls peers) {
        this.peers = peers;
        this.config = config;
        this.figures = figures;
        this.history = history;
        this.json = json;
        this.clock = clock;
        this.relay = new ServiceRelay(config, http);
    }

    /** The pusher's health (its own {@code /health}) and its figures from Kafka. */
    @Operation(summary = "The pusher's health and the pipeline's figures (console)")
    @ApiResponse(responseCode = "200", description = "Health and figures",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PusherView.class)))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @Get(value = "/pusher", produces = MediaType.APPLICATION_JSON)
    public PusherView pusher() {
        PipelineFigures.Figures counts = figures.figures();
        if (config.getPusherUrl() == null || config.getPusherUrl().isBlank()) {
            return new PusherView("NOT_CONFIGURED", null, counts);
        }
        try {
            java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(URI.create(config.getPusherUrl() + "/health"))
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + config.getServicesToken()).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            Object health = json.readValue(answer.body(), Argument.OBJECT_ARGUMENT);
            return new PusherView(answer.statusCode() == 200 ? "UP" : "DOWN", health, counts);
        } catch (IOException e) {
            return new PusherView("UNREACHABLE", Map.of("error", "the pusher at " + config.getPusherUrl() + " did not answer: " + e.getMessage()), counts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PusherView("UNREACHABLE", null, counts);
        }
    }

    @Operation(summary = "The pusher's check of the opt-out fields (console)")
    @RelayedAnswers
    @Get(value = "/salesforce/fields", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> fields(@Nullable @QueryValue String marketoField) {
        return relay.toPusher("GET", "/v1/salesforce/fields" + ServiceRelay.query("marketoField", marketoField));
    }

    @Operation(summary = "Search Salesforce fields by label, through the pusher (console)")
    @RelayedAnswers
    @Get(value = "/salesforce/fields/search", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> searchFields(@Nullable @QueryValue String label) {
        return relay.toPusher("GET", "/v1/salesforce/fields/search" + ServiceRelay.query("label", label));
    }

    @Operation(summary = "Salesforce's API allowance, through the pusher (console)")
    @RelayedAnswers
    @Get(value = "/salesforce/limits", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> limits() {
        return relay.toPusher("GET", "/v1/salesforce/limits");
    }

    @Operation(summary = "Every Contact and Lead with an email, through the pusher (console)")
    @RelayedAnswers
    @Get(value = "/salesforce/people", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> salesforcePeople(@Nullable @QueryValue String email) {
        return relay.toPusher("GET", "/v1/salesforce/people" + ServiceRelay.query("email", email));
    }

    @Operation(summary = "One Contact or Lead, through the pusher (console)")
    @RelayedAnswers
    @Get(value = "/salesforce/people/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> salesforcePerson(@PathVariable String id) {
        return relay.toPusher("GET", "/v1/salesforce/people/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    @Operation(summary = "The nightly runs, through the reconciler (console)")
    @RelayedAnswers
    @Get(value = "/runs", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> runs() {
        return relay.toReconciler("GET", "/v1/runs");
    }

    @Operation(summary = "One nightly run, through the reconciler (console)")
    @RelayedAnswers
    @Get(value = "/runs/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> run(@PathVariable String id) {
        return relay.toReconciler("GET", "/v1/runs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    @Operation(summary = "Start a nightly run now, through the reconciler (console)")
    @RelayedAnswers
    @Post(value = "/runs", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> runNow() {
        return relay.toReconciler("POST", "/v1/runs");
    }

    /** Unsubscribes recorded per UTC day and source over the last {@code days} days (1–366, default 30), today included. */
    @Operation(summary = "Unsubscribes per UTC day and source (console)")
    @ApiResponse(responseCode = "200", description = "Counts per day",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Daily.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @Get(value = "/daily", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> daily(HttpRequest<?> request, @Nullable @QueryValue Integer days, @Nullable @QueryValue Boolean local) {
        int span = days == null ? 30 : days;
        if (span < 1 || span > 366) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid days", "days must be between 1 and 366, was " + span, null);
        }
        if (history.isEmpty() || !history.get().running()) {
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "history-unavailable", "Counts not available right now",
                    history.isEmpty() ? "this instance runs without the history store (capture.history.enabled=false)" : "the history store is starting", null)
                    .header(HttpHeaders.RETRY_AFTER, "2");
        }
        LocalDate to = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate from = to.minusDays(span - 1L);
        Map<String, Map<String, Long>> counts = new TreeMap<>(history.get().localDaily(from, to));
        boolean complete = true;
        if (!Boolean.TRUE.equals(local)) {
            for (var other : history.get().others()) {
                Optional<Daily> theirs = askOther(other.host(), other.port(), span);
                if (theirs.isEmpty()) {
                    complete = false;
                    continue;
                }
                for (Day day : theirs.get().days()) {
                    day.counts().forEach((source, n) -> counts.computeIfAbsent(day.day(), d -> new TreeMap<>()).merge(source, n, Long::sum));
                }
            }
        }
        TreeSet<String> sources = new TreeSet<>();
        counts.values().forEach(bySource -> sources.addAll(bySource.keySet()));
        List<Day> result = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            result.add(new Day(d.toString(), counts.getOrDefault(d.toString(), Map.of())));
        }
        return HttpResponse.ok(new Daily(result, List.copyOf(sources), complete));
    }

    private Optional<Daily> askOther(String host, int port, int span) {
        java.net.http.HttpRequest ask = peers.get(host, port, "/v1/admin/daily?local=true&days=" + span, Duration.ofSeconds(5));
        try {
            java.net.http.HttpResponse<String> answer = http.send(ask, java.net.http.HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? Optional.of(json.readValue(answer.body(), Argument.of(Daily.class))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
