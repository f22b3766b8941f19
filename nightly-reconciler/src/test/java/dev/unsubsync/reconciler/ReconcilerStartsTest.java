package dev.unsubsync.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reconciler skeleton starts against the real broker and reports itself healthy, Kafka included. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconcilerStartsTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("micronaut.server.port", "-1");
        properties.put("reconciler.api-token", "starts-token");
        properties.put("salesforce.login-url", "http://127.0.0.1:9");
        properties.put("salesforce.client-id", "unused");
        properties.put("salesforce.client-secret", "unused");
        properties.put("reconciler.state-dir",
                java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "reconciler-starts-" + System.nanoTime()).toString());
        return properties;
    }

    @Inject
    dev.unsubsync.reconciler.diff.ReconcileStreams ledger;

    @Test
    void theReconcileStreamRunsAgainstTheRealBroker() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> ledger.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    @Test
    void startsAndIsHealthyWithKafka() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/health"))
                .header("Authorization", "Bearer starts-token").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"kafka\""), health.body());
        // Strangers see the status and nothing else; the metrics need a key.
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, anonymous.statusCode());
        assertTrue(anonymous.body().contains("\"UP\"") && !anonymous.body().contains("kafka"), anonymous.body());
        assertEquals(401, HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
