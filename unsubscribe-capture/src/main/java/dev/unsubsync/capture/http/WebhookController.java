package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.EventNotDurableException;
import dev.unsubsync.capture.domain.InvalidUnsubscribeException;
import dev.unsubsync.capture.domain.UnsubscribeRecorder;
import dev.unsubsync.capture.domain.UnsubscribeRequest;
import dev.unsubsync.capture.domain.webhooks.Verified;
import dev.unsubsync.capture.domain.webhooks.WebhookCall;
import dev.unsubsync.capture.domain.webhooks.WebhookEvent;
import dev.unsubsync.capture.domain.webhooks.WebhookProvider;
import dev.unsubsync.capture.domain.webhooks.WebhookRejected;
import dev.unsubsync.schemas.Topics;
import io.micronaut.configuration.kafka.annotation.KafkaClient;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
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

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    private final Map<String, WebhookProvider> providers;
    private final UnsubscribeRecorder recorder;
    private final Producer<String, byte[]> deadLetters;
    private final Clock clock;

    public WebhookController(List<WebhookProvider> providers, UnsubscribeRecorder recorder,
                             @KafkaClient("webhook-dead-letters") Producer<String, byte[]> deadLetters, Clock clock) {
        this.providers = providers.stream().collect(Collectors.toUnmodifiableMap(WebhookProvider::name, p -> p));
        this.recorder = recorder;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Post(value = "/{provider}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> receive(@PathVariable String provider, HttpRequest<?> request, @Body byte[] body) {
        byte[] raw = body;
        WebhookProvider webhook = providers.get(provider);
        if (webhook == null) {
            return reject(provider, raw, new WebhookRejected(404, "no webhook for provider '" + provider + "' is configured here (configured: "
                    + new java.util.TreeSet<>(providers.keySet()) + ")", false));
        }
        Instant now = clock.instant();
        Verified verified;
        try {
            verified = webhook.read(new WebhookCall(raw, name -> request.getHeaders().get(name), now));
        } catch (WebhookRejected rejected) {
            return reject(provider, raw, rejected);
        }
        int recorded = 0;
        for (WebhookEvent event : verified.events()) {
            try {
                if (event.resubscribe()) {
                    recorder.remove(event.email(), provider + ": " + event.reason(), provider, event.topic());
                } else {
                    recorder.record(new UnsubscribeRequest(event.email(), null, "provider_webhook", provider, null,
                            event.occurredAt() == null ? null : event.occurredAt().toString(), event.reason(), event.upstreamEventId(), event.topic()), provider, null);
                }
                recorded++;
            } catch (InvalidUnsubscribeException invalid) {
                return reject(provider, raw, new WebhookRejected(webhook.stopCode(), "unusable event: " + invalid.getMessage(), true));
            } catch (EventNotDurableException notDurable) {
                // Not remembered as seen: the provider's retry of this very call must be taken.
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry", notDurable.getMessage(), null)
                        .header("Retry-After", "5");
            }
        }
        verified.accepted(now);
        return HttpResponse.ok(java.util.Map.of("recorded", recorded, "ignored", 0));
    }

    private HttpResponse<?> reject(String provider, byte[] raw, WebhookRejected rejected) {
        if (rejected.authenticated()) {
            // It came from the provider: keep it whole, so nothing it said is lost even when we cannot use it.
            try {
                RecordHeaders headers = new RecordHeaders();
                headers.add("webhook.provider", provider.getBytes(StandardCharsets.UTF_8));
                headers.add("webhook.reason", rejected.getMessage().getBytes(StandardCharsets.UTF_8));
                deadLetters.send(new ProducerRecord<>(Topics.WEBHOOK_DEAD_LETTERS.name(), null, provider, raw, headers)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Could not keep a rejected {} payload on {} ({}); answering 503 so it is sent again", provider, Topics.WEBHOOK_DEAD_LETTERS, e.toString());
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Not recorded, retry", "could not keep the payload", null)
                        .header("Retry-After", "5");
            }
        }
        LOG.warn("Refused a {} webhook call ({}): {}", provider, rejected.status(), rejected.getMessage());
        if (rejected.status() < 300) {
            // The provider retries anything else, and would only send the same unusable payload again: it is kept.
            return HttpResponse.ok(java.util.Map.of("recorded", 0, "keptOnDeadLetterTopic", true, "reason", rejected.getMessage()));
        }
        var response = Problem.response(HttpStatus.valueOf(rejected.status()), "webhook-rejected", "Webhook call refused", rejected.getMessage(), null);
        return rejected.status() == 503 ? response.header("Retry-After", "5") : response;
    }

}
