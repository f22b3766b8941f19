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

/**
 * What one client address may do to the public endpoints: a bounded rate on {@code /u} and {@code /webhooks}, and after
 * a few failed authentications, nothing for a while — not even with the right key.
 */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLimitsApiTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "client-limits-token-0123456789");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("capture.client-rate-limit.per-second", "0.01");
        properties.put("capture.client-rate-limit.burst", "3");
        properties.put("capture.failed-auth-limit.per-minute", "2");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void oneAddressIsBoundedOnPublicEndpointsAndAfterFailedAuthentications() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(404, post("/u/bm90LWEtdG9rZW4.c2lnbmF0dXJl", null).statusCode());
        }
        HttpResponse<String> limited = post("/u/bm90LWEtdG9rZW4.c2lnbmF0dXJl", null);
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElse("0")) >= 1);

        assertEquals(401, settings("a-wrong-key-0123456789").statusCode());
        assertEquals(401, settings("another-wrong-key-0123456789").statusCode());
        HttpResponse<String> locked = settings("client-limits-token-0123456789");
        assertEquals(429, locked.statusCode(), "guessing keys from one address stops, whatever comes next: " + locked.body());
        assertTrue(locked.body().contains("failed authentications"), locked.body());
    }

    private HttpResponse<String> post(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.getURI().resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> settings(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/settings")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
