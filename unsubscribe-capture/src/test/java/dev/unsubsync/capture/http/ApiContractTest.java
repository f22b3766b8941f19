package dev.unsubsync.capture.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Capture's contract, as it serves it at {@code /openapi}, held against the running service by an off-the-shelf OpenAPI
 * 3.1 validator (Atlassian's openapi-request-validator): every documented answer of the operations an upstream system
 * uses is provoked, its status checked, and request and answer validated against the contract. One capture runs on the
 * real broker and registry; a second one, its Kafka unreachable and its callers limited, gives the outage (503) and
 * over-allowance (429) answers. And no route exists that the contract does not list.
 */
@ExtendWith(RealInfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractTest {

    private static final String ADMIN = "contract-admin-key-0123456789abcdef";
    private static final String INGEST = "contract-ingest-key-0123456789abcde";
    private static final String READER = "contract-reader-key-0123456789abcde";
    private static final String SECRET = "test-one-click-secret-0123456789abcdef";

    /** Operations whose every answer this test provokes; the console's relays are held by the route check only. */
    private static final Set<String> HELD = Set.of("POST /v1/unsubscribes", "POST /v1/unsubscribes/batch", "GET /v1/unsubscribes/{person}",
            "DELETE /v1/unsubscribes/{person}", "POST /v1/one-click-links", "GET /u/{token}", "POST /u/{token}", "GET /v1/settings",
            "PUT /v1/settings");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private EmbeddedServer live;
    private EmbeddedServer down;
    private OpenApiInteractionValidator validator;
    private OpenAPI contract;
    private final Set<String> provoked = new TreeSet<>();

    @BeforeAll
    void start() throws IOException {
        Path keys = Files.createTempFile("contract-keys", ".properties");
        Files.writeString(keys, "ops=" + ADMIN + " admin\ncrm=" + INGEST + " ingest\nanalyst=" + READER + " read\n");
        Map<String, Object> common = new HashMap<>();
        common.put("capture.api-keys-file", keys.toString());
        common.put("capture.one-click-secret", SECRET);
        common.put("capture.api-token", ADMIN);
        common.put("micronaut.server.port", "-1");
        Map<String, Object> liveProperties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        liveProperties.putAll(common);
        live = ApplicationContext.run(EmbeddedServer.class, liveProperties);
        Map<String, Object> downProperties = new HashMap<>(common);
        downProperties.put("kafka.bootstrap.servers", "127.0.0.1:9");
        downProperties.put("kafka.apicurio.registry.url", "http://127.0.0.1:9/apis/registry/v3");
        downProperties.put("kafka.health.enabled", "false");
        downProperties.put("capture.publish-timeout", "2s");
        downProperties.put("kafka.producers.unsubscribe-events.max.block.ms", "1500");
        downProperties.put("capture.rate-limit.per-second", "0.01");
        downProperties.put("capture.rate-limit.burst", "40");
        down = ApplicationContext.run(EmbeddedServer.class, downProperties);

        String served = send(live, "GET", "/openapi", null, null, null).body();
        contract = new OpenAPIV3Parser().readContents(served).getOpenAPI();
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(served).build();
    }

    @AfterAll
    void stop() {
        if (down != null) {
            down.getApplicationContext().close();
        }
        if (live != null) {
            live.getApplicationContext().close();
        }
    }

    @Test
    void everyDocumentedAnswerOfTheIntegratorOperationsHoldsAgainstTheRunningService() throws Exception {
        String person = "contract." + UUID.randomUUID() + "@example.com";
        String valid = "{\"email\":\"" + person + "\",\"source\":\"api\"}";
        String encoded = URLEncoder.encode(person, StandardCharsets.UTF_8);

        // POST /v1/unsubscribes
        expect(202, live, "POST", "/v1/unsubscribes", "/v1/unsubscribes", INGEST, "application/json", valid);
        expect(400, live, "POST", "/v1/unsubscribes", "/v1/unsubscribes", INGEST, "application/json", "{\"email\":\"nope\",\"source\":\"api\"}");
        expect(401, live, "POST", "/v1/unsubscribes", "/v1/unsubscribes", null, "application/json", valid);
        expect(403, live, "POST", "/v1/unsubscribes", "/v1/unsubscribes", READER, "application/json", valid);
        expect(503, down, "POST", "/v1/unsubscribes", "/v1/unsubscribes", INGEST, "application/json", valid);

        // POST /v1/unsubscribes/batch
        String batch = "{\"unsubscribes\":[" + valid + ",{\"email\":\"broken\",\"source\":\"api\"}]}";
        expect(200, live, "POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch", INGEST, "application/json", batch);
        expect(400, live, "POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch", INGEST, "application/json", "{}");
        expect(401, live, "POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch", "not-a-key", "application/json", batch);
        expect(403, live, "POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch", READER, "application/json", batch);
        expect(503, down, "POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch", INGEST, "application/json", batch);

        // GET /v1/unsubscribes/{person}: the history answers once its stores hold the person.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> send(live, "GET", "/v1/unsubscribes/" + encoded, READER, null, null).statusCode() == 200);
        expect(200, live, "GET", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", READER, null, null);
        expect(400, live, "GET", "/v1/unsubscribes/nobody", "/v1/unsubscribes/{person}", READER, null, null);
        expect(401, live, "GET", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", null, null, null);
        expect(403, live, "GET", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", INGEST, null, null);
        expect(404, live, "GET", "/v1/unsubscribes/never." + UUID.randomUUID() + "%40example.com", "/v1/unsubscribes/{person}", READER, null, null);
        expect(503, down, "GET", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", READER, null, null);

        // DELETE /v1/unsubscribes/{person}
        expect(202, live, "DELETE", "/v1/unsubscribes/" + encoded + "?reason=contract", "/v1/unsubscribes/{person}", ADMIN, null, null);
        expect(400, live, "DELETE", "/v1/unsubscribes/nobody", "/v1/unsubscribes/{person}", ADMIN, null, null);
        expect(401, live, "DELETE", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", null, null, null);
        expect(403, live, "DELETE", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", INGEST, null, null);
        expect(503, down, "DELETE", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}", ADMIN, null, null);

        // POST /v1/one-click-links, then the link itself
        String linkRequest = "{\"email\":\"" + person + "\"}";
        HttpResponse<String> link = expect(200, live, "POST", "/v1/one-click-links", "/v1/one-click-links", INGEST, "application/json", linkRequest);
        expect(400, live, "POST", "/v1/one-click-links", "/v1/one-click-links", INGEST, "application/json", "{\"email\":\"nope\"}");
        expect(401, live, "POST", "/v1/one-click-links", "/v1/one-click-links", null, "application/json", linkRequest);
        expect(403, live, "POST", "/v1/one-click-links", "/v1/one-click-links", READER, "application/json", linkRequest);
        Matcher token = Pattern.compile("/u/([^\"<>]+)").matcher(link.body());
        assertTrue(token.find(), link.body());
        String path = "/u/" + token.group(1);
        expect(200, live, "GET", path, "/u/{token}", null, null, null);
        expect(404, live, "GET", "/u/not-a-token", "/u/{token}", null, null, null);
        expect(200, live, "POST", path, "/u/{token}", null, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
        expect(400, live, "POST", path, "/u/{token}", null, "application/x-www-form-urlencoded", "List-Unsubscribe=%zz");
        expect(404, live, "POST", "/u/not-a-token", "/u/{token}", null, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
        expect(503, down, "POST", path, "/u/{token}", null, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");

        // GET and PUT /v1/settings
        expect(200, live, "GET", "/v1/settings", "/v1/settings", READER, null, null);
        expect(401, live, "GET", "/v1/settings", "/v1/settings", null, null, null);
        expect(200, live, "PUT", "/v1/settings", "/v1/settings", ADMIN, "application/json", "{\"nightlyTime\":\"20:00\"}");
        expect(400, live, "PUT", "/v1/settings", "/v1/settings", ADMIN, "application/json", "{\"nightlyTime\":\"25:99\"}");
        expect(403, live, "PUT", "/v1/settings", "/v1/settings", READER, "application/json", "{\"nightlyTime\":\"20:00\"}");
        expect(412, live, "PUT", "/v1/settings", "/v1/settings", ADMIN, "application/json", "{\"nightlyTime\":\"20:00\"}", Map.of("If-Match", "\"stale\""));
        expect(401, live, "PUT", "/v1/settings", "/v1/settings", null, "application/json", "{}");
        expect(403, live, "GET", "/v1/settings", "/v1/settings", INGEST, null, null);
        expect(503, down, "PUT", "/v1/settings", "/v1/settings", ADMIN, "application/json", "{\"nightlyTime\":\"20:00\"}");

        // 429: the limited instance, one key driven over its allowance, on every operation that documents it.
        for (String[] call : new String[][] {{"POST", "/v1/unsubscribes", "/v1/unsubscribes"}, {"POST", "/v1/unsubscribes/batch", "/v1/unsubscribes/batch"},
                {"GET", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}"}, {"DELETE", "/v1/unsubscribes/" + encoded, "/v1/unsubscribes/{person}"},
                {"POST", "/v1/one-click-links", "/v1/one-click-links"}, {"GET", "/v1/settings", "/v1/settings"}, {"PUT", "/v1/settings", "/v1/settings"}}) {
            HttpResponse<String> answer;
            do {
                answer = send(down, call[0], call[1], ADMIN, call[0].equals("POST") || call[0].equals("PUT") ? "application/json" : null,
                        call[0].equals("POST") || call[0].equals("PUT") ? "{}" : null);
            } while (answer.statusCode() != 429);
            check(429, answer, call[0], call[1], call[2], null, null, null);
        }

        Set<String> missing = new TreeSet<>();
        contract.getPaths().forEach((template, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String key = method + " " + template;
            if (HELD.contains(key)) {
                operation.getResponses().keySet().forEach(code -> {
                    if (!provoked.contains(key + " " + code)) {
                        missing.add(key + " " + code);
                    }
                });
            }
        }));
        assertEquals(Set.of(), missing, "documented answers never provoked");
        assertEquals(HELD.size(), HELD.stream().filter(op -> provoked.stream().anyMatch(p -> p.startsWith(op + " "))).count());
    }

    @Test
    void noRouteExistsThatTheContractDoesNotList() {
        Set<String> documented = contract.getPaths().entrySet().stream()
                .flatMap(e -> e.getValue().readOperationsMap().keySet().stream().map(m -> m + " " + e.getKey()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> routed = live.getApplicationContext().getBean(Router.class).uriRoutes()
                .map(route -> ((UriRouteInfo<?, ?>) route))
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString().replaceAll("\\{([^}?/:]+)[^}]*}", "{$1}"))
                .collect(Collectors.toCollection(TreeSet::new));
        // HEAD is GET without its body (the framework answers it for every GET): documented by the GET.
        routed.removeIf(route -> route.startsWith("HEAD ") && routed.contains("GET " + route.substring(5)));
        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "routes the contract does not list");
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routed);
        assertEquals(Set.of(), unrouted, "operations the contract lists that no route serves");
    }

    private HttpResponse<String> expect(int status, EmbeddedServer server, String method, String path, String template, String key, String contentType,
                                        String body) {
        return expect(status, server, method, path, template, key, contentType, body, Map.of());
    }

    private HttpResponse<String> expect(int status, EmbeddedServer server, String method, String path, String template, String key, String contentType,
                                        String body, Map<String, String> headers) {
        HttpResponse<String> answer = send(server, method, path, key, contentType, body, headers);
        check(status, answer, method, path, template, key, contentType, body);
        return answer;
    }

    /** The status is the one expected; the request (for a success) and the answer are what the contract says. */
    private void check(int status, HttpResponse<String> answer, String method, String path, String template, String key, String contentType, String body) {
        assertEquals(status, answer.statusCode(), method + " " + path + ": " + answer.body());
        provoked.add(method + " " + template + " " + status);
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, bare);
        if (path.contains("?")) {
            for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (key != null) {
            request.withAuthorization("Bearer " + key);
        }
        if (contentType != null) {
            request.withContentType(contentType);
        }
        if (body != null) {
            request.withBody(body);
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.statusCode());
        answer.headers().map().forEach((name, values) -> response.withHeader(name, values));
        answer.headers().firstValue("Content-Type").ifPresent(response::withContentType);
        if (!answer.body().isEmpty()) {
            response.withBody(answer.body());
        }
        ValidationReport report = status < 300 ? validator.validate(request.build(), response.build())
                : validator.validateResponse(bare, Request.Method.valueOf(method), response.build());
        assertTrue(report.getMessages().isEmpty(), method + " " + path + " → " + status + " breaks the contract:\n" + report.getMessages().stream()
                .map(m -> "  " + m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("\n")) + "\nanswer: " + answer.body());
    }

    private HttpResponse<String> send(EmbeddedServer server, String method, String path, String key, String contentType, String body) {
        return send(server, method, path, key, contentType, body, Map.of());
    }

    private HttpResponse<String> send(EmbeddedServer server, String method, String path, String key, String contentType, String body,
                                      Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURI() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


}
