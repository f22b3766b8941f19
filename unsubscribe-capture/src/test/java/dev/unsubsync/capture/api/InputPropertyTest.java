package dev.unsubsync.capture.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.capture.webhooks.Postmark;
import dev.unsubsync.capture.webhooks.SparkPost;
import dev.unsubsync.capture.webhooks.WebhookRejected;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.PersonKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of everything that reads outside input: whatever arrives, the answer is a precise refusal or a valid event,
 * never another exception (which would be a 500 and, for a provider, a retry storm), and an accepted address is kept
 * exactly as received.
 */
class InputPropertyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private final UnsubscribeRecorder recorder = new UnsubscribeRecorder((key, event) -> {
    }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
    private final Postmark postmark = new Postmark("postmark", "hook-password");
    private final SparkPost sparkPost = new SparkPost(null, null, "token-0123456789");
    private static final String POSTMARK_AUTH = "Basic " + Base64.getEncoder().encodeToString("postmark:hook-password".getBytes(StandardCharsets.UTF_8));

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80),
                Arbitraries.of("", " ", "@", "a@b", "a@b.c", "x@example.com", "Jürgen@bücher.de", "anna@bücher.de", "jöns@example.se", "名前@例え.jp",
                        "003Dn0000000001IAA",
                        "00QDn0000000001", "2026-11-28T18:00:00Z", "link_click", "provider_webhook", "sales_email"),
                Arbitraries.just(null));
    }

    @Property(tries = 2000)
    void anyUnsubscribeRequestIsRefusedPreciselyOrRecordedAsReceived(@ForAll("text") String email, @ForAll("text") String salesforceId,
            @ForAll("text") String source, @ForAll("text") String provider,
            @ForAll("text") String scope, @ForAll("text") String occurredAt,
            @ForAll("text") String topic) {
        try {
            UnsubscribeRecorded event = recorder.toEvent(new UnsubscribeRequest(email, salesforceId, source, provider, scope, occurredAt,
                    null, null, topic), "api");
            assertEquals(email.trim(), event.getEmail(), "kept as received (trimmed)");
            // Internationalised local parts are accepted (RFC 6531); the key's domain is always its ASCII (IDNA) form.
            String key = PersonKey.of(event.getEmail());
            assertTrue(key.substring(key.lastIndexOf('@') + 1).chars().allMatch(c -> c < 128), key);
        } catch (InvalidUnsubscribeException e) {
            assertFalse(e.errors().isEmpty());
            e.errors().forEach(error -> assertFalse(error.message().isBlank(), "every refusal says why"));
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(400),
                Arbitraries.of("{}", "[]", "null", "[{}]", "{\"RecordType\":\"SubscriptionChange\"}", "{\"RecordType\":\"SpamComplaint\",\"Email\":7}",
                        "{\"RecordType\":\"SubscriptionChange\",\"Recipient\":\"a@b.c\",\"ChangedAt\":\"yesterday\"}",
                        "[{\"msys\":{\"unsubscribe_event\":{\"type\":\"list_unsubscribe\"}}}]", "[{\"msys\":null}]", "[1,2,3]",
                        "[{\"msys\":{\"message_event\":{\"type\":\"spam_complaint\",\"rcpt_to\":\"a@b.c\",\"timestamp\":\"soon\"}}}]"));
    }

    @Property(tries = 2000)
    void authenticatedProviderBodiesAreReadOrRefusedNeverCrash(@ForAll("bodies") String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            postmark.read(POSTMARK_AUTH, bytes);
        } catch (WebhookRejected e) {
            assertTrue(e.authenticated(), "an authenticated payload that cannot be used is kept, not dropped");
        }
        try {
            sparkPost.read(null, "token-0123456789", bytes);
        } catch (WebhookRejected e) {
            assertTrue(e.authenticated());
        }
    }
}
