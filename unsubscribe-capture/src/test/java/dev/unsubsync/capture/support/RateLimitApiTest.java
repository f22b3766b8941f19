package dev.unsubsync.capture.support;

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

/** A key over its request rate gets 429 with Retry-After; the limit is per key. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitApiTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "rate-limited-token");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("capture.rate-limit.per-second", "0.01");
        properties.put("capture.rate-limit.burst", "2");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void overTheLimitIs429WithRetryAfter() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve("/v1/settings")).header("Authorization", "Bearer rate-limited-token").build();
        assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> limited = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElse("0")) >= 1);
        assertTrue(limited.body().contains("capture.rate-limit.per-second"), limited.body());
    }
}
