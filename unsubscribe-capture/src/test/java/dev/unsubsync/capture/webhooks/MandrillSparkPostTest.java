package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Mandrill (HMAC-SHA1 over URL and sorted form fields) and SparkPost (basic auth or token header). */
class MandrillSparkPostTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");

    @Nested
    class MandrillWebhook {
        private static final String KEY = "mandrill-webhook-key-0123";
        private static final String URL = "https://unsubscribe.example.com/webhooks/mandrill";
        /** Events in the shape of Mandrill's documented webhook samples. */
        private static final String EVENTS = """
                [{"event":"unsub","msg":{"ts":1795888800,"subject":"This an example webhook message","email":"example.webhook@mandrillapp.com","sender":"example.sender@mandrillapp.com","tags":["webhook-example"],"state":"sent","_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa"},"_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaaa","ts":1795888800},
                 {"event":"spam","msg":{"email":"spam.reporter@mandrillapp.com","_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaab"},"_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaab","ts":1795888800},
                 {"event":"open","msg":{"email":"reader@mandrillapp.com"},"_id":"exampleaaaaaaaaaaaaaaaaaaaaaaaac","ts":1795888800}]""";

        private final Mandrill mandrill = new Mandrill(KEY, URL, Duration.ofMinutes(5));

        private String sign(String url, String key, String... fields) throws Exception {
            StringBuilder signed = new StringBuilder(url);
            for (int i = 0; i < fields.length; i += 2) {
                signed.append(fields[i]).append(fields[i + 1]);
            }
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(signed.toString().getBytes(StandardCharsets.UTF_8)));
        }

        private byte[] form(String events) {
            return ("mandrill_events=" + URLEncoder.encode(events, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }

        @Test
        void validCallReadsUnsubsAndSpamAndIgnoresTheRest() throws Exception {
            List<WebhookEvent> events = mandrill.read(sign(URL, KEY, "mandrill_events", EVENTS), form(EVENTS), NOW).events();
            assertEquals(List.of("example.webhook@mandrillapp.com", "spam.reporter@mandrillapp.com"), events.stream().map(WebhookEvent::email).toList());
            assertEquals(List.of("unsub", "spam"), events.stream().map(WebhookEvent::reason).toList());
            assertEquals(Instant.ofEpochSecond(1795888800), events.getFirst().occurredAt());
        }

        @Test
        void wrongKeyOrUrlIsRefused() throws Exception {
            assertEquals(401, assertThrows(WebhookRejected.class,
                    () -> mandrill.read(sign(URL, "another-key", "mandrill_events", EVENTS), form(EVENTS), NOW)).status());
            var e = assertThrows(WebhookRejected.class,
                    () -> mandrill.read(sign("https://elsewhere.example.com/hook", KEY, "mandrill_events", EVENTS), form(EVENTS), NOW));
            assertTrue(e.getMessage().contains("capture.webhooks.mandrill.url"), e.getMessage());
            assertEquals(401, assertThrows(WebhookRejected.class, () -> mandrill.read(null, form(EVENTS), NOW)).status());
        }

        @Test
        void replayIsRefused() throws Exception {
            String signature = sign(URL, KEY, "mandrill_events", EVENTS);
            mandrill.read(signature, form(EVENTS), NOW).accepted(NOW);
            assertTrue(assertThrows(WebhookRejected.class, () -> mandrill.read(signature, form(EVENTS), NOW.plusSeconds(5)))
                    .getMessage().contains("replay"));
        }

        @Test
        void theSameSignatureInAnotherBase64SpellingIsStillAReplay() throws Exception {
            String signature = sign(URL, KEY, "mandrill_events", EVENTS);
            mandrill.read(signature, form(EVENTS), NOW).accepted(NOW);
            String unpadded = signature.replace("=", "");
            assertTrue(!unpadded.equals(signature), "an HMAC-SHA1 in Base64 ends in padding");
            assertTrue(assertThrows(WebhookRejected.class, () -> mandrill.read(unpadded, form(EVENTS), NOW.plusSeconds(5)))
                    .getMessage().contains("replay"));
            assertTrue(assertThrows(WebhookRejected.class, () -> mandrill.read(signature, form(EVENTS), NOW.plus(Duration.ofHours(20))))
                    .getMessage().contains("replay"), "the signature carries no time: a replay hours later is refused too");
        }

        @Test
        void aMalformedPercentEscapeIsRefusedPrecisely() {
            WebhookRejected e = assertThrows(WebhookRejected.class,
                    () -> mandrill.read("c2lnbmF0dXJl", "mandrill_events=%ZZ".getBytes(StandardCharsets.UTF_8), NOW));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("malformed %-escape"), e.getMessage());
        }

        @Test
        void eventsOlderThanADayAreNotTakenAsNew() throws Exception {
            List<WebhookEvent> events = mandrill.read(sign(URL, KEY, "mandrill_events", EVENTS), form(EVENTS), NOW.plus(Duration.ofDays(2))).events();
            assertTrue(events.isEmpty(), events.toString());
        }

        @Test
        void signedButUnusableIsKeptAndAcknowledged() throws Exception {
            String broken = "[{\"event\":\"unsub\",\"msg\":{}}]";
            var e = assertThrows(WebhookRejected.class, () -> mandrill.read(sign(URL, KEY, "mandrill_events", broken), form(broken), NOW));
            assertTrue(e.authenticated());
            assertEquals(200, e.status());
        }
    }

    @Nested
    class SparkPostWebhook {
        /** Events in the shape of SparkPost's documented webhook samples. */
        private static final String EVENTS = """
                [{"msys":{"unsubscribe_event":{"type":"list_unsubscribe","campaign_id":"Example Campaign Name","customer_id":"1","event_id":"92356927693813856","mailfrom":"recipient@example.com","message_id":"000443ee14578172be22","rcpt_to":"Recipient@Example.com","timestamp":"1764352800","transmission_id":"65832150921904138"}}},
                 {"msys":{"unsubscribe_event":{"type":"link_unsubscribe","event_id":"92356927693813857","rcpt_to":"linker@example.com","timestamp":"1764352800"}}},
                 {"msys":{"message_event":{"type":"spam_complaint","event_id":"92356927693813858","rcpt_to":"complainer@example.com","timestamp":"1764352800"}}},
                 {"msys":{"message_event":{"type":"delivery","event_id":"92356927693813859","rcpt_to":"reader@example.com","timestamp":"1764352800"}}}]""";
        private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("sparkpost:hook-password".getBytes(StandardCharsets.UTF_8));

        @Test
        void basicAuthOrTokenLetsEventsIn() {
            SparkPost sparkPost = new SparkPost("sparkpost", "hook-password", "token-0123456789");
            byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
            List<WebhookEvent> events = sparkPost.read(BASIC, null, body);
            assertEquals(List.of("list_unsubscribe", "link_unsubscribe", "spam_complaint"), events.stream().map(WebhookEvent::reason).toList());
            assertEquals("Recipient@Example.com", events.getFirst().email());
            assertEquals("92356927693813856", events.getFirst().upstreamEventId());
            assertEquals(Instant.ofEpochSecond(1764352800), events.getFirst().occurredAt());
            assertEquals(3, sparkPost.read(null, "token-0123456789", body).size());
        }

        @Test
        void wrongCredentialsAreRefused() {
            SparkPost sparkPost = new SparkPost(null, null, "token-0123456789");
            byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
            assertEquals(401, assertThrows(WebhookRejected.class, () -> sparkPost.read(BASIC, null, body)).status());
            assertEquals(401, assertThrows(WebhookRejected.class, () -> sparkPost.read(null, "wrong", body)).status());
            assertThrows(IllegalArgumentException.class, () -> new SparkPost(null, null, null));
        }
    }
}
