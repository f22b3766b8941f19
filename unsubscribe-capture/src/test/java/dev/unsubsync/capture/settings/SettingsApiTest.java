package dev.unsubsync.capture.settings;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Settings through capture's API, stored on the compacted topic, seen by another instance without a restart. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettingsApiTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "t");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    /** Until the service has read the stored settings it answers 503 (with Retry-After), as a client then waits. */
    private void readyToServeSettings() {
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", null).statusCode() == 200);
    }

    @Test
    void savedSettingsAreServedBackAndReachAnotherInstanceThroughTheTopic() throws Exception {
        readyToServeSettings();
        HttpResponse<String> saved = send("PUT", "{\"nightlySyncEnabled\":true,\"syncToMarketoSalesOptOut\":true,\"nightlyZone\":\"Europe/Paris\"}");
        assertEquals(200, saved.statusCode(), saved.body());
        Map<String, Object> body = json.readValue(send("GET", null).body(), Argument.mapOf(String.class, Object.class));
        assertEquals(Boolean.TRUE, body.get("syncToMarketoSalesOptOut"));
        assertEquals("Europe/Paris", body.get("nightlyZone"));

        try (SettingsView other = new SettingsView(Map.of("bootstrap.servers", TestInfrastructure.get().bootstrapServers(),
                "apicurio.registry.url", TestInfrastructure.get().registry().apiUrl()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> other.current().getSyncToMarketoSalesOptOut());
            assertEquals("Europe/Paris", other.current().getNightlyZone());
        }
    }

    @Test
    void invalidSettingsAre400NamingTheProblem() throws Exception {
        HttpResponse<String> refused = send("PUT",
                "{\"nightlySyncEnabled\":true,\"syncToEmailOptOut\":false,\"syncToMarketoSalesOptOut\":false,\"nightlyZone\":\"Nowhere/Atlantis\"}");
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("nightlyZone"), refused.body());
        assertTrue(refused.body().contains("at least one field"), refused.body());
    }

    @Test
    void aChangeMadeAgainstSettingsThatChangedMeanwhileIs412AndChangesNothing() throws Exception {
        readyToServeSettings();
        String version = send("GET", null).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> first = send("PUT", "{\"nightlyTime\":\"21:00\"}", version);
        assertEquals(200, first.statusCode(), first.body());
        String newer = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> stale = send("PUT", "{\"nightlyTime\":\"22:00\"}", version);
        assertEquals(412, stale.statusCode(), stale.body());
        assertEquals(newer, stale.headers().firstValue("ETag").orElseThrow(), "the answer names the version in force");
        assertTrue(send("GET", null).body().contains("\"nightlyTime\":\"21:00\""));
        assertEquals(200, send("PUT", "{\"nightlyTime\":\"20:00\"}", newer).statusCode());
    }

    private HttpResponse<String> send(String method, String body) throws Exception {
        return send(method, body, null);
    }

    private HttpResponse<String> send(String method, String body, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.getURI().resolve("/v1/settings"))
                .header("Authorization", "Bearer t").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
