package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Provider webhooks over HTTP against the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookApiTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    private final HttpClient http = HttpClient.newHttpClient();
    private static final java.security.KeyPair SENDGRID = sendGridKeys();

    private static java.security.KeyPair sendGridKeys() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sendGridSignedEventsAreRecordedAndAGroupUnsubscribeKeepsItsGroup() throws Exception {
        String email = "sendgrid." + UUID.randomUUID() + "@example.com";
        String body = "[{\"email\":\"" + email + "\",\"timestamp\":" + Instant.now().getEpochSecond() + ",\"event\":\"group_unsubscribe\","
                + "\"asm_group_id\":42,\"sg_event_id\":\"" + UUID.randomUUID() + "\"},{\"email\":\"" + email + "\",\"timestamp\":"
                + Instant.now().getEpochSecond() + ",\"event\":\"delivered\",\"sg_event_id\":\"d-1\"}]\r\n";
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String signature = dev.unsubsync.capture.webhooks.SendGridTest.sign(SENDGRID, timestamp, body.getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve("/webhooks/sendgrid")).header("Content-Type", "application/json")
                .header("X-Twilio-Email-Event-Webhook-Signature", signature).header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"recorded\":1"), response.body());
        UnsubscribeRecorded event = (UnsubscribeRecorded) eventsFor(email, 1).getFirst();
        assertEquals("sendgrid", event.getProvider());
        assertEquals("sendgrid:asm-group:42", event.getTopic(), "recorded for the group only, never widened");

        HttpResponse<String> replay = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, replay.statusCode(), "the same signed call again is a replay: " + replay.body());
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "t");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("capture.webhooks.mailgun.signing-key", "key-mailgun-signing-0123456789");
        properties.put("capture.webhooks.postmark.username", "postmark");
        properties.put("capture.webhooks.postmark.password", "hook-password");
        properties.put("capture.webhooks.sparkpost.token", "sparkpost-token-0123456789");
        properties.put("capture.webhooks.sendgrid.public-key", Base64.getEncoder().encodeToString(SENDGRID.getPublic().getEncoded()));
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void mailgunUnsubscribeIsRecordedWithTheProviderAndItsEventId() throws Exception {
        String email = "mailgun." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> response = post("/webhooks/mailgun",
                MailgunTest.payload("unsubscribed", email, Instant.now(), UUID.randomUUID().toString(), MailgunTest.KEY), null);
        assertEquals(200, response.statusCode(), response.body());
        UnsubscribeRecorded event = (UnsubscribeRecorded) eventsFor(email, 1).getFirst();
        assertEquals(UnsubscribeSource.PROVIDER_WEBHOOK, event.getSource());
        assertEquals("mailgun", event.getProvider());
        assertEquals("mailgun", event.getOrigin());
        assertEquals("-Agny091SquKnsrW2NEKUA", event.getUpstreamEventId());
    }

    @Test
    void mailgunWithABadSignatureIsRefusedAndRecordsNothing() throws Exception {
        assertEquals(401,
                post("/webhooks/mailgun", MailgunTest.payload("unsubscribed", "x@example.com", Instant.now(), "t-bad", "wrong-key"), null).statusCode());
    }

    @Test
    void postmarkReactivationIsARemovalOnTheSalesSideOnly() throws Exception {
        String email = "postmark." + UUID.randomUUID() + "@example.com";
        assertEquals(200, post("/webhooks/postmark", PostmarkTest.subscriptionChange(email, true), PostmarkTest.AUTH).statusCode());
        assertEquals(200, post("/webhooks/postmark", PostmarkTest.subscriptionChange(email, false), PostmarkTest.AUTH).statusCode());
        List<Object> events = eventsFor(email, 2);
        assertEquals(UnsubscribeRecorded.class, events.get(0).getClass());
        assertEquals("postmark", ((UnsubscribeRemoved) events.get(1)).getRemovedBy());
    }

    @Test
    void authenticButUnusablePayloadIsKeptWholeAndAnsweredWithTheProvidersStopCode() throws Exception {
        String body = "{\"RecordType\":\"SubscriptionChange\",\"MessageID\":\"" + UUID.randomUUID() + "\"}";
        assertEquals(403, post("/webhooks/postmark", body, PostmarkTest.AUTH).statusCode());
        List<ConsumerRecord<String, byte[]>> kept = TopicClients.of(TestInfrastructure.get()).readRaw(Topics.WEBHOOK_DEAD_LETTERS.name(),
                r -> new String(r.value(), StandardCharsets.UTF_8).equals(body), 1, Duration.ofSeconds(30));
        assertEquals("postmark", new String(kept.getFirst().headers().lastHeader("webhook.provider").value(), StandardCharsets.UTF_8));
    }

    @Test
    void sparkPostWithItsTokenHeaderIsServed() throws Exception {
        String email = "sparkpost." + UUID.randomUUID() + "@example.com";
        String body = "[{\"msys\":{\"unsubscribe_event\":{\"type\":\"list_unsubscribe\",\"event_id\":\"" + UUID.randomUUID()
                + "\",\"rcpt_to\":\"" + email + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\"}}}]";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.getURI().resolve("/webhooks/sparkpost"))
                .header("Content-Type", "application/json").header("X-MessageSystems-Webhook-Token", "sparkpost-token-0123456789")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("sparkpost", ((UnsubscribeRecorded) eventsFor(email, 1).getFirst()).getProvider());
        assertEquals(401, post("/webhooks/sparkpost", body, null).statusCode());
    }

    @Test
    void oneUnusableEventInABatchLosesNothingElse() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String first = "first." + id + "@example.com";
        String international = "jöns." + id + "@example.se";
        String last = "last." + id + "@example.com";
        long now = Instant.now().getEpochSecond();
        String body = "[" + sendGridEvent(first, now) + "," + sendGridEvent("not-an-address-" + id, now) + "," + sendGridEvent(international, now)
                + "," + sendGridEvent(last, now) + "]";
        String timestamp = String.valueOf(now);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.getURI().resolve("/webhooks/sendgrid")).header("Content-Type", "application/json")
                        .header("X-Twilio-Email-Event-Webhook-Signature", dev.unsubsync.capture.webhooks.SendGridTest.sign(SENDGRID, timestamp,
                                body.getBytes(StandardCharsets.UTF_8)))
                        .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"recorded\":3"), response.body());
        assertEquals(first, ((UnsubscribeRecorded) eventsFor(first, 1).getFirst()).getEmail());
        assertEquals(international, ((UnsubscribeRecorded) eventsFor(international, 1).getFirst()).getEmail(),
                "an internationalised local part (RFC 6531) is an address");
        assertEquals(last, ((UnsubscribeRecorded) eventsFor(last, 1).getFirst()).getEmail(), "the event after the unusable one is recorded too");
        List<ConsumerRecord<String, byte[]>> kept = TopicClients.of(TestInfrastructure.get()).readRaw(Topics.WEBHOOK_DEAD_LETTERS.name(),
                r -> new String(r.value(), StandardCharsets.UTF_8).equals(body), 1, Duration.ofSeconds(30));
        String reason = new String(kept.getFirst().headers().lastHeader("webhook.reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("event 1:") && reason.contains("not-an-address-" + id), reason);
    }

    private static String sendGridEvent(String email, long timestamp) {
        return "{\"email\":\"" + email + "\",\"timestamp\":" + timestamp + ",\"event\":\"unsubscribe\",\"sg_event_id\":\"" + UUID.randomUUID() + "\"}";
    }

    @Test
    void unknownProviderIs404() throws Exception {
        assertEquals(404, post("/webhooks/carrier-pigeon", "{}", null).statusCode());
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.getURI().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Object> eventsFor(String email, int atLeast) {
        return TopicClients.of(TestInfrastructure.get()).readAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                r -> r.key().equals(email.toLowerCase()), atLeast, Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
    }
}
