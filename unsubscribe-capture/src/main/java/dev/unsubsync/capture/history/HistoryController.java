package dev.unsubsync.capture.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import dev.unsubsync.schemas.PersonTimeline;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /v1/unsubscribes/{person}}: the person's current state on the sales side and in Salesforce (as the pusher
 * last heard) and their whole history, from the Kafka Streams store of whichever capture instance holds the person; a
 * query reaching another instance is forwarded to it once.
 */
@io.micronaut.context.annotation.Requires(property = "capture.history.enabled", notEquals = "false")
@Controller("/v1/unsubscribes")
@ExecuteOn(TaskExecutors.BLOCKING)
public class HistoryController {

    private final PersonHistories histories;

    public HistoryController(PersonHistories histories) {
        this.histories = histories;
    }

    /** One entry of the history, as the API shows it. */
    @Serdeable
    public record Entry(String kind, String eventId, String email, String at, @Nullable String source, @Nullable String provider,
            @Nullable String origin, @Nullable String reason, @Nullable String topic, @Nullable String salesforceId,
            @Nullable String outcome, @Nullable String salesforceErrorCode, @Nullable String salesforceMessage, @Nullable List<String> fieldsWritten) {
        static Entry of(HistoryEntry e) {
            return new Entry(e.getKind().name(), e.getEventId(), e.getEmail(), e.getAt().toString(), e.getSource(), e.getProvider(), e.getOrigin(),
                    e.getReason(), e.getTopic(), e.getSalesforceId(), e.getOutcome(), e.getSalesforceErrorCode(), e.getSalesforceMessage(),
                    e.getFieldsWritten());
        }
    }

    /** The person now ({@link PersonTimeline#state}) and their whole history. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Person(String person, String email, boolean unsubscribed, List<String> topics, @Nullable Entry salesforce, List<Entry> history) {
        static Person of(String key, PersonHistory history) {
            PersonTimeline.State state = PersonTimeline.state(key, history);
            return new Person(key, state.email(), state.unsubscribed(), state.topics(), state.salesforce() == null ? null : Entry.of(state.salesforce()),
                    history.getEntries().stream().map(Entry::of).toList());
        }
    }

    @Operation(summary = "A person's state and full history, from the topics", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The person's state and timeline",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Person.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.READ)
    @Get(value = "/{person}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> person(@PathVariable String person, @Nullable @QueryValue Boolean forwarded) {
        if (person.isBlank() || person.indexOf('@') < 1 || person.length() > 254) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-person", "Invalid person", "person must be an email address", null);
        }
        return switch (histories.find(person, Boolean.TRUE.equals(forwarded), Duration.ofSeconds(10))) {
            case PersonHistories.Answer.Found found -> HttpResponse.ok(found.person());
            case PersonHistories.Answer.Absent absent -> Problem.response(HttpStatus.NOT_FOUND, "person-not-found", "No history",
                    "nothing was ever recorded for " + person, null);
            case PersonHistories.Answer.Unavailable none -> unavailable(none.why());
        };
    }

    private static HttpResponse<?> unavailable(String why) {
        return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "history-unavailable", "History not available right now", why, null)
                .header("Retry-After", "2");
    }
}
