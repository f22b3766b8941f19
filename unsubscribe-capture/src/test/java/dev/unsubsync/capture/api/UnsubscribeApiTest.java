package dev.unsubsync.capture.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Capture's HTTP API against a real broker and a real registry. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsubscribeApiTest implements TestPropertyProvider {

    private static final String TOKEN = "test-token";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", TOKEN);
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void aRequestNoRouteTakesAnswersOurProblemShapeNotTheFrameworks() throws Exception {
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(server.getURI().resolve("/no/such/thing"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse(""));
        assertTrue(unknown.body().contains("\"type\":\"https://unsubsync.dev/problems/not-found\""), unknown.body());
        assertTrue(unknown.body().contains("/no/such/thing"), unknown.body());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.getURI().resolve("/u/not-a-token")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), "a controller's own 404 page passes through");

        HttpResponse<String> method = http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes"))
                .header("Authorization", "Bearer " + TOKEN).method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, method.statusCode(), method.body());
        assertTrue(method.body().contains("\"type\":\"https://unsubsync.dev/problems/method-not-allowed\""), method.body());
    }

    @Test
    void acceptedUnsubscribeIsOnTheTopicKeyedByPersonBeforeThe202() throws Exception {
        String email = "Accepted." + UUID.randomUUID() + "@Example.com";
        HttpResponse<String> response = post("{\"email\":\"" + email + "\",\"salesforceId\":\"003000000000001\",\"source\":\"one_click\",\"reason\":\"test\"}",
                TOKEN);
        assertEquals(202, response.statusCode(), response.body());
        Map<String, Object> body = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        String eventId = (String) body.get("eventId");
        assertNotNull(eventId);
        assertEquals("003000000000001AAA", body.get("salesforceId"));

        ConsumerRecord<String, Object> record = readEvent(eventId);
        assertEquals(email.toLowerCase(), record.key());
        UnsubscribeRecorded event = (UnsubscribeRecorded) record.value();
        assertEquals(email, event.getEmail());
        assertEquals(UnsubscribeSource.ONE_CLICK, event.getSource());
        assertEquals("003000000000001AAA", event.getSalesforceId());
    }

    @Test
    void analystReadsTheTopicBackThroughTheConfluentCompatibleApi() throws Exception {
        String email = "analyst." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> response = post("{\"email\":\"" + email + "\",\"source\":\"manual\"}", TOKEN);
        assertEquals(202, response.statusCode(), response.body());

        byte[] value = rawValueFor(email.toLowerCase());
        // Confluent wire format: magic byte 0, a 4-byte schema id, then the Avro binary body.
        assertEquals(0, value[0]);
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        HttpResponse<String> schemaResponse = http.send(HttpRequest.newBuilder(
                URI.create(TestInfrastructure.get().registry().ccompatUrl() + "/schemas/ids/" + schemaId)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, schemaResponse.statusCode(), schemaResponse.body());
        String schemaText = (String) json.readValue(schemaResponse.body(), Argument.mapOf(String.class, Object.class)).get("schema");
        Schema writer = new Schema.Parser().parse(schemaText);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(new ByteArrayInputStream(value, 5, value.length - 5), null));
        assertEquals(email, decoded.get("email").toString());
        assertEquals("MANUAL", decoded.get("source").toString());
    }

    @Test
    void invalidInputIs400NamingEachFieldAndWhy() throws Exception {
        HttpResponse<String> response = post("{\"email\":\"nope\",\"salesforceId\":\"003000000000001ZZZ\",\"source\":\"api\"}", TOKEN);
        assertEquals(400, response.statusCode());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> problem = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        List<?> errors = (List<?>) problem.get("errors");
        assertEquals("email", ((Map<?, ?>) errors.get(0)).get("field"));
        assertEquals("salesforceId", ((Map<?, ?>) errors.get(1)).get("field"));
        assertTrue(((String) ((Map<?, ?>) errors.get(1)).get("message")).contains("checksum"));
    }

    @Test
    void batchAnswersEachItemAndPublishesEveryValidOne() throws Exception {
        String good = "batch." + UUID.randomUUID() + "@example.com";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes/batch"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"unsubscribes\":[{\"email\":\"" + good + "\",\"source\":\"api\"},"
                        + "{\"email\":\"broken\",\"source\":\"api\"},{\"email\":\"second." + good + "\",\"source\":\"link_click\"}]}"))
                .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        assertEquals(2, ((Number) body.get("accepted")).intValue());
        assertEquals(1, ((Number) body.get("invalid")).intValue());
        List<?> results = (List<?>) body.get("results");
        assertEquals(400, ((Number) ((Map<?, ?>) results.get(1)).get("status")).intValue());
        String eventId = (String) ((Map<?, ?>) results.get(0)).get("eventId");
        assertEquals(good, ((UnsubscribeRecorded) readEvent(eventId).value()).getEmail());
    }

    @Test
    void batchOverTheLimitIsRefusedWhole() throws Exception {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 501; i++) {
            items.append(i == 0 ? "" : ",").append("{\"email\":\"x").append(i).append("@example.com\",\"source\":\"api\"}");
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes/batch"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"unsubscribes\":[" + items + "]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("at most 500"), response.body());
    }

    @Test
    void bodyThatIsNotJsonIs400() throws Exception {
        HttpResponse<String> response = post("{not json", TOKEN);
        assertEquals(400, response.statusCode(), response.body());
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        assertEquals(401, post("{\"email\":\"a@example.com\",\"source\":\"api\"}", "wrong").statusCode());
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\",\"source\":\"api\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAnswersTheSameEvent() throws Exception {
        String email = "idem." + java.util.UUID.randomUUID() + "@example.com";
        String key = java.util.UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"source\":\"api\"}")).build();
        HttpResponse<String> first = http.send(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(202, first.statusCode(), first.body());
        assertEquals(202, again.statusCode(), again.body());
        assertEquals(first.body(), again.body(), "the same event, the same answer");
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        HttpResponse<String> response = post("{\"email\":\"" + "x".repeat(3 * 1024 * 1024) + "@example.com\",\"source\":\"api\"}", TOKEN);
        assertEquals(413, response.statusCode());
    }

    @Test
    void healthShowsStrangersOnlyItsStatusAndAKeyItsDetails() throws Exception {
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(server.getURI().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.body().contains("\"UP\"") && !anonymous.body().contains("kafka") && !anonymous.body().contains("details"), anonymous.body());
        HttpResponse<String> detailed = http.send(HttpRequest.newBuilder(server.getURI().resolve("/health")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, detailed.statusCode(), detailed.body());
        assertTrue(detailed.body().contains("kafka"), "details with a key: " + detailed.body());
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(server.getURI().resolve("/health")).header("Authorization", "Bearer not-a-key").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode(), "a wrong key is refused, not quietly downgraded");
        assertEquals(200,
                http.send(HttpRequest.newBuilder(server.getURI().resolve("/health/readiness")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "probes need no key");
    }

    private HttpResponse<String> post(String body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private ConsumerRecord<String, Object> readEvent(String eventId) {
        return TopicClients.of(TestInfrastructure.get()).readAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                r -> r.value() instanceof UnsubscribeRecorded e && e.getEventId().equals(eventId), 1, Duration.ofSeconds(30)).getFirst();
    }

    private byte[] rawValueFor(String key) {
        return TopicClients.of(TestInfrastructure.get()).readRaw(Topics.UNSUBSCRIBE_EVENTS.name(), r -> key.equals(r.key()), 1, Duration.ofSeconds(30))
                .getFirst().value();
    }
}
