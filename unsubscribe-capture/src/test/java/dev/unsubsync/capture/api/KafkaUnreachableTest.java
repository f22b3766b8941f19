package dev.unsubsync.capture.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no broker to talk to, an unsubscribe is never acknowledged: the caller gets a 503 within a bounded time and
 * retries.
 */
@MicronautTest
@Property(name = "kafka.bootstrap.servers", value = "127.0.0.1:" + KafkaUnreachableTest.DEAD_PORT)
@Property(name = "kafka.apicurio.registry.url", value = "http://127.0.0.1:" + KafkaUnreachableTest.DEAD_PORT + "/apis/registry/v3")
@Property(name = "kafka.health.enabled", value = "false")
@Property(name = "topic-setup.start-up-wait", value = "2s")
@Property(name = "capture.api-token", value = "t")
@Property(name = "capture.publish-timeout", value = "3s")
@Property(name = "capture.signing-secret", value = "test-one-click-secret-0123456789abcdef")
@Property(name = "kafka.producers.unsubscribe-events.max.block.ms", value = "2000")
@Property(name = "micronaut.server.port", value = "-1")
class KafkaUnreachableTest {

    /** A port nothing listens on: the discard port, closed on this machine. */
    static final int DEAD_PORT = 9;

    @Inject
    EmbeddedServer server;

    @Test
    void unsubscribeIs503WithinBoundedTimeWhenKafkaIsUnreachable() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.getURI().resolve("/v1/unsubscribes"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer t")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"down@example.com\",\"source\":\"api\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
    }
}
