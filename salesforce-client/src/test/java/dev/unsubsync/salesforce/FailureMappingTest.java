package dev.unsubsync.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.json.JsonMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** One place maps Salesforce's failures to outcomes, and callers ask the outcome whether to retry: in-JVM, no server. */
class FailureMappingTest {

    private final SalesforceTransport transport = new SalesforceTransport(new SalesforceConfiguration(), JsonMapper.createDefault(),
            HttpClient.newHttpClient(), Clock.systemUTC());

    @Test
    void eachFailureIsTheOutcomeItMeans() {
        assertEquals(new Outcome.RateLimited<>("TotalRequests Limit exceeded."),
                transport.failure(answer(403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")));
        assertEquals(new Outcome.RequestRejected<>(400, "INVALID_FIELD", "No such column 'Nope__c'"),
                transport.failure(answer(400, "[{\"message\":\"No such column 'Nope__c'\",\"errorCode\":\"INVALID_FIELD\"}]")));
        assertEquals(new Outcome.ServerError<>(503, "HTTP_503", "<html>maintenance</html>"),
                transport.failure(answer(503, "<html>maintenance</html>")), "not Salesforce's error shape: the status and the text");
        assertEquals(new Outcome.RequestRejected<>(403, "INSUFFICIENT_ACCESS", "no"),
                transport.failure(answer(403, "[{\"message\":\"no\",\"errorCode\":\"INSUFFICIENT_ACCESS\"}]")), "a 403 that is not a limit is a refusal");
    }

    @Test
    void retryingIsTheOutcomesCall() {
        assertTrue(new Outcome.RateLimited<Void>("x").retryable());
        assertTrue(new Outcome.ServerError<Void>(500, "x", "y").retryable());
        assertTrue(new Outcome.NetworkError<Void>("x").retryable());
        assertFalse(new Outcome.AuthFailed<Void>("invalid_client", "x").retryable());
        assertFalse(new Outcome.RequestRejected<Void>(400, "x", "y").retryable());
        assertFalse(new Outcome.Ok<>(1).retryable());
        assertEquals(new Outcome.Ok<>("2"), new Outcome.Ok<>(1).map(n -> String.valueOf(n + 1)));
        assertEquals(new Outcome.NetworkError<String>("x"), new Outcome.NetworkError<Integer>("x").map(String::valueOf));
    }

    private static HttpResponse<String> answer(int status, String body) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(URI.create("https://example.my.salesforce.com/")).build();
            }

            @Override
            public Optional<HttpResponse<String>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true);
            }

            @Override
            public String body() {
                return body;
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return request().uri();
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
