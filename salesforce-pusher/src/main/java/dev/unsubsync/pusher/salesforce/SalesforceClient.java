package dev.unsubsync.pusher.salesforce;

import dev.unsubsync.pusher.domain.RecordUpdate;
import dev.unsubsync.pusher.domain.SalesforceWriter;
import dev.unsubsync.pusher.domain.SaveOutcome;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to Salesforce's REST API: OAuth 2.0 client-credentials at the configured login URL, then every call at the
 * {@code instance_url} the token came with. The token is cached; a {@code 401} gets one fresh token and one retry, a
 * second {@code 401} is reported as an authentication failure.
 */
@Singleton
public class SalesforceClient implements SalesforceWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceClient.class);
    private static final Pattern LIMIT_INFO = Pattern.compile("api-usage=(\\d+)/(\\d+)");

    /** A session: the token and where to use it. */
    private record Session(String accessToken, String instanceUrl) {
        @Override
        public String toString() {
            // Never print a token.
            return "Session[" + instanceUrl + "]";
        }
    }

    /** API usage as the last response reported it. */
    public record ApiUsage(long used, long max) {
    }

    private sealed interface Call {
        record Answered(HttpResponse<String> response) implements Call {
        }

        record Failed(SaveOutcome outcome) implements Call {
        }
    }

    private final SalesforceConfiguration config;
    private final JsonMapper json;
    private final HttpClient http;
    private final AtomicReference<Session> session = new AtomicReference<>();
    private final AtomicReference<ApiUsage> usage = new AtomicReference<>();

    public SalesforceClient(SalesforceConfiguration config, JsonMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.getConnectTimeout()).build();
    }

    /** Usage of the daily API allowance, from the last {@code Sforce-Limit-Info} header seen. */
    public Optional<ApiUsage> apiUsage() {
        return Optional.ofNullable(usage.get());
    }

    @Override
    public SaveOutcome update(List<RecordUpdate> updates) {
        if (updates.size() > MAX_RECORDS_PER_CALL) {
            throw new IllegalArgumentException("at most " + MAX_RECORDS_PER_CALL + " records per call, got " + updates.size());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (RecordUpdate update : updates) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", update.objectType()));
            record.put("id", update.id());
            update.fields().forEach(field -> record.put(field, Boolean.TRUE));
            records.add(record);
        }
        String body;
        try {
            body = json.writeValueAsString(Map.of("allOrNone", false, "records", records));
        } catch (IOException e) {
            throw new IllegalStateException("could not encode a Collections request", e);
        }
        Call call = send("PATCH", "/services/data/" + config.getApiVersion() + "/composite/sobjects", body);
        if (call instanceof Call.Failed failed) {
            return failed.outcome();
        }
        HttpResponse<String> response = ((Call.Answered) call).response();
        if (response.statusCode() != 200) {
            return failure(response);
        }
        try {
            List<Map<String, Object>> results = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (results.size() != updates.size()) {
                return new SaveOutcome.ServerError(response.statusCode(), "UNEXPECTED_RESPONSE",
                        "Salesforce answered " + results.size() + " save results for " + updates.size() + " records");
            }
            List<SaveOutcome.RecordResult> outcomes = new ArrayList<>();
            for (Map<String, Object> result : results) {
                if (Boolean.TRUE.equals(result.get("success"))) {
                    outcomes.add(SaveOutcome.RecordResult.ok());
                } else {
                    Map<?, ?> error = result.get("errors") instanceof List<?> errors && !errors.isEmpty() && errors.getFirst() instanceof Map<?, ?> e ? e : Map.of();
                    outcomes.add(SaveOutcome.RecordResult.failed(String.valueOf(error.get("statusCode")), String.valueOf(error.get("message"))));
                }
            }
            return new SaveOutcome.Saved(outcomes);
        } catch (IOException e) {
            return new SaveOutcome.ServerError(response.statusCode(), "UNEXPECTED_RESPONSE", "unreadable save results: " + e.getMessage());
        }
    }

    /** Runs one API call with the cached session, re-authenticating once on 401. */
    private Call send(String method, String path, String body) {
        for (int attempt = 1; ; attempt++) {
            Session current = session.get();
            if (current == null) {
                Optional<SaveOutcome> authFailure = authenticate();
                if (authFailure.isPresent()) {
                    return new Call.Failed(authFailure.get());
                }
                current = session.get();
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(current.instanceUrl() + path))
                    .timeout(config.getRequestTimeout())
                    .header("Authorization", "Bearer " + current.accessToken())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return new Call.Failed(new SaveOutcome.NetworkError(method + " " + path + ": " + e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Call.Failed(new SaveOutcome.NetworkError("interrupted"));
            }
            recordUsage(response);
            if (response.statusCode() == 401) {
                session.compareAndSet(current, null);
                if (attempt == 1) {
                    LOG.info("Salesforce session expired or invalid; getting a new token and retrying once");
                    continue;
                }
                ErrorBody error = errorBody(response);
                return new Call.Failed(new SaveOutcome.AuthFailed(error.code(), "a fresh token was refused too: " + error.message()));
            }
            return new Call.Answered(response);
        }
    }

    private Optional<SaveOutcome> authenticate() {
        String form;
        try {
            form = switch (config.getAuthFlow()) {
                case CLIENT_CREDENTIALS -> "grant_type=client_credentials&client_id=" + enc(config.getClientId())
                        + "&client_secret=" + enc(config.getClientSecret());
                case JWT_BEARER -> "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + enc(JwtAssertion.sign(
                        config.getJwtPrivateKey(), config.getClientId(), config.getJwtUsername(), config.getJwtAudience(), java.time.Instant.now()));
            };
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return Optional.of(new SaveOutcome.AuthFailed("invalid_private_key", "could not sign the JWT assertion: " + e.getMessage()));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.getLoginUrl() + "/services/oauth2/token"))
                .timeout(config.getRequestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = parseObject(response.body());
            if (response.statusCode() == 200 && body.get("access_token") instanceof String token && body.get("instance_url") instanceof String instanceUrl) {
                session.set(new Session(token, instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl));
                LOG.info("Authenticated to Salesforce; API calls go to {}", instanceUrl);
                return Optional.empty();
            }
            if (response.statusCode() >= 500) {
                return Optional.of(new SaveOutcome.ServerError(response.statusCode(), "TOKEN_ENDPOINT_ERROR", "token endpoint answered " + response.statusCode()));
            }
            String error = String.valueOf(body.getOrDefault("error", "http_" + response.statusCode()));
            String description = String.valueOf(body.getOrDefault("error_description", ""));
            LOG.warn("Salesforce refused the client credentials of {}: {} {}", config.getClientId(), error, description);
            return Optional.of(new SaveOutcome.AuthFailed(error, description));
        } catch (IOException e) {
            return Optional.of(new SaveOutcome.NetworkError("token endpoint " + config.getLoginUrl() + ": " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new SaveOutcome.NetworkError("interrupted"));
        }
    }

    private SaveOutcome failure(HttpResponse<String> response) {
        ErrorBody error = errorBody(response);
        int status = response.statusCode();
        if (status == 403 && "REQUEST_LIMIT_EXCEEDED".equals(error.code())) {
            return new SaveOutcome.RateLimited(error.message());
        }
        if (status >= 500) {
            return new SaveOutcome.ServerError(status, error.code(), error.message());
        }
        return new SaveOutcome.RequestRejected(status, error.code(), error.message());
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

    private Map<String, Object> parseObject(String body) {
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
                usage.set(new ApiUsage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        });
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
