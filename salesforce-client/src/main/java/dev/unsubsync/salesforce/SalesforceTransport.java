package dev.unsubsync.salesforce;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place where HTTP meets Salesforce's answers: every call goes out with the session's token (a {@code 401} gets one
 * fresh token and one retry, a second {@code 401} is an authentication failure, not a loop), and every failure is mapped
 * to its {@link Outcome} here — limits, server errors, refusals, no answer — so no caller decides that again. Also keeps
 * the API usage each answer reports ({@code Sforce-Limit-Info}).
 */
final class SalesforceTransport {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceTransport.class);
    private static final Pattern LIMIT_INFO = Pattern.compile("api-usage=(\\d+)/(\\d+)");

    private final SalesforceConfiguration config;
    private final JsonMapper json;
    private final HttpClient http;
    private final SalesforceSession session;
    private final AtomicReference<SalesforceClient.ApiUsage> usage = new AtomicReference<>();

    SalesforceTransport(SalesforceConfiguration config, JsonMapper json, HttpClient http, Clock clock) {
        this.config = config;
        this.json = json;
        this.http = http;
        this.session = new SalesforceSession(config, http, clock, this::parseObject);
    }

    /** Usage of the daily API allowance, from the last {@code Sforce-Limit-Info} header seen. */
    Optional<SalesforceClient.ApiUsage> apiUsage() {
        return Optional.ofNullable(usage.get());
    }

    /** The REST path of {@code path} at the configured API version. */
    String api(String path) {
        return "/services/data/" + config.getApiVersion() + path;
    }

    /** A JSON request whose 2xx answer is a JSON object. */
    Outcome<Map<String, Object>> json(String method, String path, Object body) {
        Outcome<HttpResponse<String>> call = send(method, path, body == null ? null : encode(body), body == null ? null : "application/json", Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() / 100 != 2) {
            return failure(response);
        }
        return new Outcome.Ok<>(parseObject(response.body()));
    }

    /** The ID of the user this client acts as, once it has a session (logging in if it has none); empty when unknown. */
    Optional<String> userId() {
        return session.current() instanceof Outcome.Ok<SalesforceSession.Session> ok ? Optional.ofNullable(ok.value().userId()) : Optional.empty();
    }

    /** One API call with the cached session, re-authenticating once on 401. */
    Outcome<HttpResponse<String>> send(String method, String path, String body, String contentType, Map<String, String> headers) {
        for (int attempt = 1;; attempt++) {
            Outcome<SalesforceSession.Session> opened = session.current();
            if (!(opened instanceof Outcome.Ok<SalesforceSession.Session>(SalesforceSession.Session current))) {
                return opened.retyped();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(current.instanceUrl() + path))
                    .timeout(config.getRequestTimeout())
                    .header("Authorization", "Bearer " + current.accessToken())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (!headers.containsKey("Accept")) {
                request.header("Accept", "application/json");
            }
            headers.forEach(request::header);
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return new Outcome.NetworkError<>(method + " " + stripQuery(path) + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.NetworkError<>("interrupted");
            }
            recordUsage(response);
            if (response.statusCode() == 401) {
                session.expire(current);
                if (attempt == 1) {
                    LOG.info("Salesforce session expired or invalid; getting a new token and retrying once");
                    continue;
                }
                ErrorBody error = errorBody(response);
                return new Outcome.AuthFailed<>(error.code(), "a fresh token was refused too: " + error.message());
            }
            return new Outcome.Ok<>(response);
        }
    }

    <T> Outcome<T> failure(HttpResponse<String> response) {
        ErrorBody error = errorBody(response);
        int status = response.statusCode();
        if (status == 403 && "REQUEST_LIMIT_EXCEEDED".equals(error.code())) {
            return new Outcome.RateLimited<>(error.message());
        }
        if (status >= 500) {
            return new Outcome.ServerError<>(status, error.code(), error.message());
        }
        return new Outcome.RequestRejected<>(status, error.code(), error.message());
    }

    private record ErrorBody(String code, String message) {
    }

    private ErrorBody errorBody(HttpResponse<String> response) {
        try {
            List<Map<String, Object>> errors = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (errors != null && !errors.isEmpty()) {
                return new ErrorBody(String.valueOf(errors.getFirst().get("errorCode")), String.valueOf(errors.getFirst().get("message")));
            }
        } catch (IOException | RuntimeException e) {
            // not Salesforce's error shape: fall through
        }
        String text = response.body() == null ? "" : response.body();
        return new ErrorBody("HTTP_" + response.statusCode(), text.length() > 200 ? text.substring(0, 200) : text);
    }

    String encode(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode a request body", e);
        }
    }

    Map<String, Object> parseObject(String body) {
        try {
            Map<String, Object> map = json.readValue(body, Argument.mapOf(String.class, Object.class));
            return map == null ? Map.of() : map;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private void recordUsage(HttpResponse<String> response) {
        response.headers().firstValue("Sforce-Limit-Info").ifPresent(value -> {
            Matcher m = LIMIT_INFO.matcher(value);
            if (m.find()) {
                usage.set(new SalesforceClient.ApiUsage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        });
    }

    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

}
