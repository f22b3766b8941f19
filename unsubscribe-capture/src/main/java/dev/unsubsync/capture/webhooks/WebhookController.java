package dev.unsubsync.capture.webhooks;

import dev.unsubsync.capture.api.CaptureProducers;
import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.api.InvalidUnsubscribeException;
import dev.unsubsync.capture.api.UnsubscribeRecorder;
import dev.unsubsync.capture.api.UnsubscribeRequest;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.schemas.Topics;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider webhooks at {@code /webhooks/{provider}}, in their native payloads, verified the way each provider signs, on
 * the raw request bytes. Unsubscribes and complaints are recorded (source {@code provider_webhook}, the provider named),
 * a provider's re-subscribe is recorded on the sales side only, other events are acknowledged and ignored. A payload
 * that passed authentication but can never be used is kept whole on {@code webhooks-dlt} and answered with the code
 * the provider treats as final; one that could not be stored is answered 503 so the provider retries.
 */
@Controller("/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhookController {

    /** The answer to a webhook call that was taken (documents the maps {@link #receive} answers with). */
    @Schema(name = "WebhookAnswer")
    public record WebhookAnswer(int recorded, @io.micronaut.core.annotation.Nullable Integer ignored,
            @io.micronaut.core.annotation.Nullable List<String> unusable,
            @io.micronaut.core.annotation.Nullable Boolean keptOnDeadLetterTopic,
            @io.micronaut.core.annotation.Nullable String reason) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    private final Map<String, WebhookProvider> providers;
    private final UnsubscribeRecorder recorder;
    private final Producer<String, byte[]> deadLetters;
    private final Clock clock;

    public WebhookController(List<WebhookProvider> providers, UnsubscribeRecorder recorder,
            CaptureProducers producers, Clock clock) {
        this.providers = providers.stream().collect(Collectors.toUnmodifiableMap(WebhookProvider::name, p -> p));
        this.recorder = recorder;
        this.deadLetters = producers.deadLetters();
        this.clock = clock;
    }

    @Operation(summary = "A provider's webhook call, in its native payload, verified by its own signature scheme")
    @ApiResponse(responseCode = "200",
            description = "Taken: recorded events counted; an authenticated payload that can never be used is kept on webhooks-dlt and acknowledged",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WebhookAnswer.class)))
    @ApiResponse(responseCode = "400", description = "Not a payload this provider's scheme can read (Mandrill's form)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "401", description = "The signature, token or credentials do not verify on the raw bytes",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "403",
            description = "Postmark's answer to a payload it authenticated but that can never be used (kept on webhooks-dlt), or an SES topic not allowed here",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "404", description = "No webhook for this provider is configured here",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "406", description = "Mailgun's answer to a payload it signed but that can never be used (kept on webhooks-dlt)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequestBody(description = "The provider's own payload, byte for byte as it signed it: JSON (SendGrid, "
            + "Mailgun, Postmark, SparkPost), a form (Mandrill) or an SNS message (Amazon SES)", required = true,
            content = {
                    @Content(mediaType = "application/json"), @Content(mediaType = "application/x-www-form-urlencoded"), @Content(mediaType = "text/plain")})
    @Post(value = "/{provider}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> receive(@PathVariable String provider, HttpRequest<?> request, @Body byte[] body) {
        byte[] raw = body;
        WebhookProvider webhook = providers.get(provider);
        if (webhook == null) {
            return reject(provider, raw, new WebhookRejected(404, "no webhook for provider '" + provider + "' is configured here (configured: "
                    + new TreeSet<>(providers.keySet()) + ")", false));
        }
        Instant now = clock.instant();
        Verified verified;
        try {
            verified = webhook.read(new WebhookCall(raw, name -> request.getHeaders().get(name), now));
        } catch (WebhookRejected rejected) {
            return reject(provider, raw, rejected);
        }
        int recorded = 0;
        List<String> unusable = new ArrayList<>();
        List<WebhookEvent> events = verified.events();
        for (int index = 0; index < events.size(); index++) {
            WebhookEvent event = events.get(index);
            try {
                if (event.resubscribe()) {
                    recorder.remove(event.email(), provider + ": " + event.reason(), provider, event.topic(), event.occurredAt());
                } else {
                    recorder.record(new UnsubscribeRequest(event.email(), null, "provider_webhook", provider, null,
                            event.occurredAt() == null ? null : event.occurredAt().toString(), event.reason(), event.upstreamEventId(), event.topic()),
                            provider, null);
                }
                recorded++;
            } catch (InvalidUnsubscribeException invalid) {
                // This event alone cannot be used: the others of the call are still recorded, and the body is kept.
                unusable.add("event " + index + ": " + invalid.getMessage());
            } catch (EventNotDurableException notDurable) {
                // Not remembered as seen: the provider's retry of this very call must be taken (what was recorded is
                // recognised again by its event ids).
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry", notDurable.getMessage(), null)
                        .header("Retry-After", "5");
            }
        }
        if (!unusable.isEmpty()) {
            String reason = "unusable " + String.join("; ", unusable);
            if (!keep(provider, raw, reason)) {
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry", "could not keep the unusable events", null)
                        .header("Retry-After", "5");
            }
            LOG.warn("{} webhook call: {} recorded, {} kept on {}: {}", provider, recorded, unusable.size(), Topics.WEBHOOK_DEAD_LETTERS, reason);
        }
        verified.accepted(now);
        return HttpResponse.ok(unusable.isEmpty()
                ? Map.of("recorded", recorded, "ignored", 0)
                : Map.of("recorded", recorded, "ignored", 0, "unusable", unusable, "keptOnDeadLetterTopic", true));
    }

    /** Keeps a provider's body whole on the webhook dead-letter topic, with the provider and the reason in headers. */
    private boolean keep(String provider, byte[] raw, String reason) {
        try {
            RecordHeaders headers = new RecordHeaders();
            headers.add("webhook.provider", provider.getBytes(StandardCharsets.UTF_8));
            headers.add("webhook.reason", reason.getBytes(StandardCharsets.UTF_8));
            deadLetters.send(TopicRecords.of(Topics.WEBHOOK_DEAD_LETTERS, null, provider, raw, headers)).get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.warn("Could not keep a {} payload on {} ({}); answering 503 so it is sent again", provider, Topics.WEBHOOK_DEAD_LETTERS, e.toString());
            return false;
        }
    }

    private HttpResponse<?> reject(String provider, byte[] raw, WebhookRejected rejected) {
        if (rejected.authenticated() && !keep(provider, raw, rejected.getMessage())) {
            // It came from the provider and could not be kept: it must be sent again, so nothing it said is lost.
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry", "could not keep the payload", null)
                    .header("Retry-After", "5");
        }
        LOG.warn("Refused a {} webhook call ({}): {}", provider, rejected.status(), rejected.getMessage());
        if (rejected.status() < 300) {
            // The provider retries anything else, and would only send the same unusable payload again: it is kept.
            return HttpResponse.ok(Map.of("recorded", 0, "keptOnDeadLetterTopic", true, "reason", rejected.getMessage()));
        }
        var response = Problem.response(HttpStatus.valueOf(rejected.status()), "webhook-rejected", "Webhook call refused", rejected.getMessage(), null);
        return rejected.status() == 503 ? response.header("Retry-After", "5") : response;
    }

}
