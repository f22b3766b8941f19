package dev.unsubsync.capture.oneclick;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.api.UnsubscribeRecorder;
import dev.unsubsync.capture.api.UnsubscribeRequest;
import dev.unsubsync.capture.history.PersonHistories;
import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.capture.support.FormBody;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * One-click unsubscribe (RFC 8058) at the {@code List-Unsubscribe} URL {@code /u/{token}}: a {@code POST} with
 * {@code List-Unsubscribe=One-Click} unsubscribes, with no cookie, no authorization and no redirect, and saying it again is
 * a harmless 200; a {@code GET} never unsubscribes (link scanners fetch URLs): it shows a page with a button.
 */
@Controller("/u")
@ExecuteOn(TaskExecutors.BLOCKING)
public class OneClickController {

    private static final MediaType HTML = MediaType.of("text/html;charset=utf-8");

    /** Longest the page waits for the instance holding the person's history to answer. */
    private static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(2);

    private final OneClickTokens tokens;
    private final UnsubscribeRecorder recorder;
    private final Clock clock;
    private final Optional<PersonHistories> histories;

    public OneClickController(OneClickTokens tokens, UnsubscribeRecorder recorder, Clock clock, Optional<PersonHistories> histories) {
        this.clock = clock;
        this.tokens = tokens;
        this.recorder = recorder;
        this.histories = histories;
    }

    @Operation(summary = "The page a one-click link opens: asks to confirm")
    @ApiResponse(responseCode = "200", description = "A page with the confirm button",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "The link is not valid (altered or not ours)",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @Get(value = "/{token}", produces = "text/html")
    public HttpResponse<String> confirm(@PathVariable String token) {
        Optional<OneClickTokens.Person> person = tokens.verify(token);
        if (person.isEmpty()) {
            return page(HttpStatus.NOT_FOUND, "This unsubscribe link is not valid", "The link may have been altered. Use the link from the email itself.");
        }
        return HttpResponse.ok(html("Unsubscribe " + escape(person.get().email()) + "?",
                "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        + "<button type=\"submit\">Unsubscribe</button></form>"))
                .contentType(HTML);
    }

    /** RFC 8058's one-click POST, as mail clients send it: {@code List-Unsubscribe=One-Click}, url-encoded. */
    @Operation(summary = "RFC 8058 one-click unsubscribe (List-Unsubscribe=One-Click)")
    @ApiResponse(responseCode = "200", description = "Unsubscribed", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "Not a one-click unsubscribe body",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "The link is not valid", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = "Not recorded yet: try again in a moment",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @Post(value = "/{token}", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = "text/html")
    public HttpResponse<String> unsubscribe(@PathVariable String token, @Nullable @Body String body) {
        Map<String, Object> form;
        try {
            form = new HashMap<>(FormBody.parse(body));
        } catch (FormBody.MalformedFormException e) {
            return page(HttpStatus.BAD_REQUEST, "Not a one-click unsubscribe", escape(e.getMessage()));
        }
        return unsubscribe(token, form);
    }

    /** The same, sent as multipart form data. */
    @Operation(summary = "The same, as multipart form data")
    @ApiResponse(responseCode = "200", description = "Unsubscribed", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "Not a one-click unsubscribe body",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "The link is not valid", content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = "Not recorded yet: try again in a moment",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    @Post(value = "/{token}", consumes = MediaType.MULTIPART_FORM_DATA, produces = "text/html")
    public HttpResponse<String> unsubscribeMultipart(@PathVariable String token, @Nullable @Body Map<String, Object> form) {
        return unsubscribe(token, form);
    }

    private HttpResponse<String> unsubscribe(String token, Map<String, Object> form) {
        Optional<OneClickTokens.Person> person = tokens.verify(token);
        if (person.isEmpty()) {
            return page(HttpStatus.NOT_FOUND, "This unsubscribe link is not valid", "The link may have been altered. Use the link from the email itself.");
        }
        if (form == null || !"One-Click".equals(String.valueOf(form.get("List-Unsubscribe")).trim())) {
            return page(HttpStatus.BAD_REQUEST, "Not a one-click unsubscribe", "The request body must be List-Unsubscribe=One-Click.");
        }
        OneClickTokens.Person p = person.get();
        // The same link posted again the same (UTC) day, with no removal of the person since, is the same unsubscribe:
        // recorded once, so a link replayed by a mail scanner or an attacker cannot spend one Salesforce call per request.
        // After a removal it is a new unsubscribe, and when the history cannot say, it is recorded anew rather than lost.
        try {
            recorder.record(new UnsubscribeRequest(p.email(), p.salesforceId(), "one_click", null, null, null,
                    p.campaign() == null ? null : "campaign " + p.campaign(), null, null), "one-click", repeatKey(token, p.email()));
        } catch (EventNotDurableException e) {
            // A person in a browser reads a page, not a problem document; a mail client retries on the status.
            return HttpResponse.<String>status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").contentType(HTML)
                    .body(html("Not unsubscribed yet", "<p>We could not record it just now. Please try again in a moment.</p>"));
        }
        return page(HttpStatus.OK, "You are unsubscribed", escape(p.email()) + " will receive no more of these emails.");
    }

    /**
     * One key per link, UTC day and removal: a digest of the token (never the token itself), the date and the event id of
     * the person's latest all-email removal, if they have one; a key of its own when the history cannot answer.
     */
    private String repeatKey(String token, String email) {
        String since = histories.map(h -> OneClickRepeats.since(h.find(email, false, HISTORY_TIMEOUT)))
                .orElseGet(() -> OneClickRepeats.unknown("this instance runs without the history store"));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "one-click:" + LocalDate.now(clock) + ":" + HexFormat.of().formatHex(digest) + since;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static HttpResponse<String> page(HttpStatus status, String title, String text) {
        return HttpResponse.<String>status(status).contentType(HTML).body(html(title, "<p>" + text + "</p>"));
    }

    private static String html(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + title + "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The person a link is for, as an API client sends it. */
    @Serdeable
    public record LinkRequest(@Nullable String email, @Nullable String salesforceId, @Nullable String campaign) {
    }

    /** What to put in the email. */
    @Serdeable
    public record Link(String url, Map<String, String> headers) {
    }

    /** {@code POST /v1/one-click-links}: the URL and the exact headers for a person's email. */
    @Controller("/v1/one-click-links")
    public static class Links {

        private final OneClickTokens tokens;
        private final UnsubscribeRecorder recorder;
        private final CaptureConfiguration config;

        public Links(OneClickTokens tokens, UnsubscribeRecorder recorder, CaptureConfiguration config) {
            this.tokens = tokens;
            this.recorder = recorder;
            this.config = config;
        }

        @Operation(summary = "Mint a one-click link and the exact headers for a person's email", security = @SecurityRequirement(name = "apiKey"))
        @ApiResponse(responseCode = "200", description = "The URL and the List-Unsubscribe headers",
                content = @Content(mediaType = "application/json", schema = @Schema(implementation = Link.class)))
        @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
        @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
        @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
        @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
        @RequiresScope(Scope.INGEST)
        @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
        public HttpResponse<Link> create(@Body LinkRequest request) {
            recorder.validatePerson(request.email(), request.salesforceId());
            String url = config.getPublicUrl() + "/u/" + tokens.issue(new OneClickTokens.Person(request.email().trim(),
                    request.salesforceId() == null || request.salesforceId().isBlank() ? null : request.salesforceId().trim(), request.campaign()));
            return HttpResponse.ok(new Link(url, Map.of("List-Unsubscribe", "<" + url + ">", "List-Unsubscribe-Post", "List-Unsubscribe=One-Click")));
        }
    }
}
