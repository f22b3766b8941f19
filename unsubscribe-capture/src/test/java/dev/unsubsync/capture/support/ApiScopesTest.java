package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each key does what its scopes allow and nothing else; a 403 names the scope missing; the settings audit names the key. */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiScopesTest implements TestPropertyProvider {

    private static final String INGEST = "scopes-ingest-key-0123456789";
    private static final String READER = "scopes-reader-key-0123456789";
    private static final String ADMIN = "scopes-admin-key-01234567890";

    @Inject
    EmbeddedServer server;
    @Inject
    Router router;

    private final HttpClient http = HttpClient.newHttpClient();
    private Path keys;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "scopes-configured-token");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", "-1");
        try {
            keys = Files.createTempFile("scopes-keys", ".properties");
            writeKeys("crm-relay=" + INGEST + " ingest\nanalyst=" + READER + " read\nops-admin=" + ADMIN + " admin\n", "2026-12-01T08:00:00Z");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.put("capture.api-keys-file", keys.toString());
        return properties;
    }

    /** The settings are served once the stored ones are read (503 until then), as every test here reads them. */
    @org.junit.jupiter.api.BeforeEach
    void settingsRead() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> call(ADMIN, "GET", "/v1/settings", null).statusCode() == 200);
    }

    @Test
    void anIngestKeyPostsUnsubscribesAndMintsLinksButReadsAndChangesNothing() throws Exception {
        String email = "scopes." + UUID.randomUUID() + "@example.com";
        assertEquals(202, call(INGEST, "POST", "/v1/unsubscribes", "{\"email\":\"" + email + "\",\"source\":\"api\"}").statusCode());
        assertEquals(200, call(INGEST, "POST", "/v1/one-click-links", "{\"email\":\"" + email + "\"}").statusCode());

        assertMissing("read", call(INGEST, "GET", "/v1/unsubscribes/" + email, null));
        assertMissing("read", call(INGEST, "GET", "/v1/settings", null));
        assertMissing("admin", call(INGEST, "PUT", "/v1/settings", "{\"nightlyTime\":\"03:00\"}"));
        assertMissing("admin", call(INGEST, "DELETE", "/v1/unsubscribes/" + email, null));
        assertMissing("admin", call(INGEST, "POST", "/v1/admin/runs", null));
    }

    @Test
    void aReadKeyReadsButChangesNothingAndAnAdminKeyDoesBoth() throws Exception {
        assertEquals(200, call(READER, "GET", "/v1/settings", null).statusCode());
        assertMissing("ingest", call(READER, "POST", "/v1/unsubscribes", "{\"email\":\"reader@example.com\",\"source\":\"api\"}"));
        assertMissing("admin", call(READER, "PUT", "/v1/settings", "{\"nightlyTime\":\"03:00\"}"));
        assertMissing("admin", call(READER, "GET", "/v1/admin/daily", null));

        assertEquals(200, call(ADMIN, "GET", "/v1/settings", null).statusCode(), "admin may read");
        HttpResponse<String> saved = call(ADMIN, "PUT", "/v1/settings", "{\"nightlyTime\":\"03:00\"}");
        assertEquals(200, saved.statusCode(), saved.body());
        assertTrue(saved.body().contains("\"updatedBy\":\"ops-admin\""), "the audit names the key: " + saved.body());
    }

    @Test
    void removingAKeyFromTheFileOrTheFileRevokesIt() throws Exception {
        String spare = "scopes-spare-key-0123456789ab";
        writeKeys("crm-relay=" + INGEST + " ingest\nanalyst=" + READER + " read\nops-admin=" + ADMIN + " admin\nspare=" + spare + " read\n",
                "2026-12-01T08:01:00Z");
        assertEquals(200, call(spare, "GET", "/v1/settings", null).statusCode());
        writeKeys("crm-relay=" + INGEST + " ingest\nanalyst=" + READER + " read\nops-admin=" + ADMIN + " admin\n", "2026-12-01T08:02:00Z");
        assertEquals(401, call(spare, "GET", "/v1/settings", null).statusCode(), "its line is gone");

        Path moved = keys.resolveSibling(keys.getFileName() + ".away");
        Files.move(keys, moved);
        try {
            assertEquals(401, call(READER, "GET", "/v1/settings", null).statusCode(), "the file is gone");
            assertEquals(200, call("scopes-configured-token", "GET", "/v1/settings", null).statusCode(), "the configured token stays");
        } finally {
            Files.move(moved, keys);
        }
        assertEquals(200, call(READER, "GET", "/v1/settings", null).statusCode(), "back with the file");
    }

    @Test
    void everyApiRouteDeclaresTheScopeItNeeds() {
        List<String> undeclared = router.uriRoutes().filter(route -> route.getUriMatchTemplate().toString().startsWith("/v1"))
                .map(UriRouteInfo.class::cast)
                .filter(route -> !route.getAnnotationMetadata().hasAnnotation(RequiresScope.class))
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate()).toList();
        assertEquals(List.of(), undeclared);
    }

    private static void assertMissing(String scope, HttpResponse<String> answer) {
        assertEquals(403, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("lacks the '" + scope + "' scope"), answer.body());
    }

    private void writeKeys(String content, String modified) throws IOException {
        Files.writeString(keys, content);
        Files.setLastModifiedTime(keys, FileTime.from(Instant.parse(modified)));
    }

    private HttpResponse<String> call(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
