package dev.unsubsync.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A service's contract, as it serves it at {@code /openapi}, held against the running service by an off-the-shelf
 * OpenAPI 3.1 validator (Atlassian's openapi-request-validator): each call's status is the one expected, its request
 * (for a success) and its answer are what the contract says, and every documented answer is remembered as provoked so
 * a test can require all of them.
 */
public final class ContractCheck {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final OpenApiInteractionValidator validator;
    private final OpenAPI contract;
    private final Set<String> provoked = new ConcurrentSkipListSet<>();

    /** Reads the contract {@code service} serves at {@code /openapi}. */
    public ContractCheck(URI service) {
        String served = send(service, "GET", "/openapi", Map.of(), null, null).body();
        this.contract = new OpenAPIV3Parser().readContents(served).getOpenAPI();
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(served).build();
    }

    /** One call: sends it, checks its status and both sides against the contract, and returns the answer. */
    public HttpResponse<String> expect(int status, URI server, String method, String path, String template, Map<String, String> headers,
            String contentType, String body) {
        HttpResponse<String> answer = send(server, method, path, headers, contentType, body);
        check(status, answer, method, path, template, headers, contentType, body);
        return answer;
    }

    /** Checks an answer already received (for calls repeated until they give it). */
    public void check(int status, HttpResponse<String> answer, String method, String path, String template, Map<String, String> headers,
            String contentType, String body) {
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
        headers.forEach(request::withHeader);
        if (contentType != null) {
            request.withContentType(contentType);
        }
        if (body != null) {
            request.withBody(body);
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.statusCode());
        answer.headers().map().forEach(response::withHeader);
        answer.headers().firstValue("Content-Type").ifPresent(response::withContentType);
        if (!answer.body().isEmpty()) {
            response.withBody(answer.body());
        }
        // Requests meant to be refused are not what the contract accepts; their answers are held all the same.
        ValidationReport report = status < 300
                ? validator.validate(request.build(), response.build())
                : validator.validateResponse(bare, Request.Method.valueOf(method), response.build());
        assertTrue(report.getMessages().isEmpty(), method + " " + path + " → " + status + " breaks the contract:\n" + report.getMessages().stream()
                .map(m -> "  " + m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("\n")) + "\nanswer: " + answer.body());
    }

    /** Documented answers ({@code METHOD /template CODE}) no call has provoked yet, but for those named. */
    public Set<String> unprovoked(Set<String> exempt) {
        Set<String> missing = new TreeSet<>();
        contract.getPaths()
                .forEach((template, item) -> item.readOperationsMap().forEach((method, operation) -> operation.getResponses().keySet().forEach(code -> {
                    String key = method + " " + template + " " + code;
                    if (!provoked.contains(key) && !exempt.contains(key)) {
                        missing.add(key);
                    }
                })));
        return missing;
    }

    /** The operations the contract lists, as {@code METHOD /template}. */
    public Set<String> operations() {
        return contract.getPaths().entrySet().stream()
                .flatMap(e -> e.getValue().readOperationsMap().keySet().stream().map(m -> m + " " + e.getKey()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Routes ({@code METHOD /template}, Micronaut's templates) the contract does not list, and operations it lists that
     * no route serves. HEAD is GET without its body (the framework answers it for every GET): documented by the GET.
     */
    public Map<String, Set<String>> routeDifferences(Stream<String> routes) {
        Set<String> routed = routes.map(route -> route.replaceAll("\\{([^}?/:]+)[^}]*}", "{$1}")).collect(Collectors.toCollection(TreeSet::new));
        routed.removeIf(route -> route.startsWith("HEAD ") && routed.contains("GET " + route.substring(5)));
        Set<String> documented = operations();
        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routed);
        return Map.of("routes the contract does not list", undocumented, "operations the contract lists that no route serves", unrouted);
    }

    /** Fails unless the routes ({@code METHOD /template}) are exactly the contract's operations (see {@link #routeDifferences}). */
    public void assertRoutesAreTheContract(Stream<String> routes) {
        routeDifferences(routes).forEach((what, which) -> assertEquals(Set.of(), which, what));
    }

    /** Fails unless every documented answer was provoked, but those named (each with its reason in the caller). */
    public void assertEveryAnswerProvoked(Set<String> exempt) {
        assertEquals(Set.of(), unprovoked(exempt), "documented answers no test provoked");
    }

    /** Sends one call (a kept-alive connection the server closed as it was reused is sent again once, as clients do). */
    public HttpResponse<String> send(URI server, String method, String path, Map<String, String> headers, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException closed) {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code Authorization: Bearer <key>}, or nothing for {@code null}. */
    public static Map<String, String> bearer(String key) {
        return key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
    }
}
