package dev.unsubsync.capture.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unsubsync.capture.domain.webhooks.MailgunTest;
import dev.unsubsync.capture.domain.webhooks.PostmarkTest;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "t");
        properties.put("capture.one-click-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("capture.webhooks.mailgun.signing-key", "key-mailgun-signing-0123456789");
        properties.put("capture.webhooks.postmark.username", "postmark");
        properties.put("capture.webhooks.postmark.password", "hook-password");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void mailgunUnsubscribeIsRecordedWithTheProviderAndItsEventId() throws Exception {
        String email = "mailgun." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> response = post("/webhooks/mailgun", MailgunTest.payload("unsubscribed", email, Instant.now(), UUID.randomUUID().toString(), MailgunTest.KEY), null);
        assertEquals(200, response.statusCode(), response.body());
        UnsubscribeRecorded event = (UnsubscribeRecorded) eventsFor(email, 1).getFirst();
        assertEquals(UnsubscribeSource.PROVIDER_WEBHOOK, event.getSource());
        assertEquals("mailgun", event.getProvider());
        assertEquals("mailgun", event.getOrigin());
        assertEquals("-Agny091SquKnsrW2NEKUA", event.getUpstreamEventId());
    }

    @Test
    void mailgunWithABadSignatureIsRefusedAndRecordsNothing() throws Exception {
        assertEquals(401, post("/webhooks/mailgun", MailgunTest.payload("unsubscribed", "x@example.com", Instant.now(), "t-bad", "wrong-key"), null).statusCode());
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
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> kept = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.WEBHOOK_DEAD_LETTERS.name()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (new String(r.value(), StandardCharsets.UTF_8).equals(body)) {
                        kept.add(r);
                    }
                });
                return !kept.isEmpty();
            });
        }
        assertEquals("postmark", new String(kept.getFirst().headers().lastHeader("webhook.provider").value(), StandardCharsets.UTF_8));
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
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put("apicurio.registry.url", TestInfrastructure.get().registry().apiUrl());
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        List<Object> found = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(Topics.UNSUBSCRIBE_EVENTS.name()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key().equals(email.toLowerCase())) {
                        found.add(r.value());
                    }
                });
                return found.size() >= atLeast;
            });
        }
        return found;
    }
}
