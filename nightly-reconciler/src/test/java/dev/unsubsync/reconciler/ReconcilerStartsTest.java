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
        return properties;
    }

    @Inject
    dev.unsubsync.reconciler.kafka.LedgerStreams ledger;

    @Test
    void theLedgerStreamRunsAgainstTheRealBroker() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> ledger.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    @Test
    void startsAndIsHealthyWithKafka() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"kafka\""), health.body());
    }
}
