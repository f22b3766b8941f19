package dev.unsubsync.salesforce;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the client is to Salesforce: OAuth 2.0 at the configured login URL (client credentials, or the JWT bearer flow),
 * the token cached until Salesforce refuses it. Thread-safe; one token at a time.
 */
final class SalesforceSession {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceSession.class);

    /**
     * A session: the token, where to use it, and the ID of the user it acts as (from the token response's identity URL,
     * {@code …/id/<org>/<user>}; null when the response has none).
     */
    record Session(String accessToken, String instanceUrl, String userId) {
        @Override
        public String toString() {
            // Never print a token.
            return "Session[" + instanceUrl + "]";
        }
    }

    private final SalesforceConfiguration config;
    private final HttpClient http;
    private final Clock clock;
    private final Function<String, Map<String, Object>> parseObject;
    private final AtomicReference<Session> session = new AtomicReference<>();

    SalesforceSession(SalesforceConfiguration config, HttpClient http, Clock clock, Function<String, Map<String, Object>> parseObject) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.parseObject = parseObject;
    }

    /** The cached session, or a new one; a failure to get one as the {@link Outcome} Salesforce gave. */
    Outcome<Session> current() {
        Session known = session.get();
        if (known != null) {
            return new Outcome.Ok<>(known);
        }
        return authenticate();
    }

    /** Forgets {@code refused} (Salesforce answered 401 to it), unless another thread has replaced it already. */
    void expire(Session refused) {
        session.compareAndSet(refused, null);
    }

    private Outcome<Session> authenticate() {
        String form;
        try {
            form = switch (config.getAuthFlow()) {
                case CLIENT_CREDENTIALS -> "grant_type=client_credentials&client_id=" + enc(config.getClientId())
                        + "&client_secret=" + enc(config.getClientSecret());
                case JWT_BEARER -> "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + enc(JwtAssertion.sign(
                        config.getJwtPrivateKey(), config.getClientId(), config.getJwtUsername(), config.getJwtAudience(), clock.instant()));
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return (new Outcome.AuthFailed<>("invalid_private_key", "could not sign the JWT assertion: " + e.getMessage()));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.getLoginUrl() + "/services/oauth2/token"))
                .timeout(config.getRequestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = parseObject.apply(response.body());
            if (response.statusCode() == 200 && body.get("access_token") instanceof String token && body.get("instance_url") instanceof String instanceUrl) {
                Session fresh = new Session(token, instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl,
                        body.get("id") instanceof String identity ? userOf(identity) : null);
                session.set(fresh);
                LOG.info("Authenticated to Salesforce ({}); API calls go to {}", config.getAuthFlow(), instanceUrl);
                return new Outcome.Ok<>(fresh);
            }
            if (response.statusCode() >= 500) {
                return (new Outcome.ServerError<>(response.statusCode(), "TOKEN_ENDPOINT_ERROR", "token endpoint answered " + response.statusCode()));
            }
            String error = String.valueOf(body.getOrDefault("error", "http_" + response.statusCode()));
            String description = String.valueOf(body.getOrDefault("error_description", ""));
            LOG.warn("Salesforce refused the credentials of client {}: {} {}", config.getClientId(), error, description);
            return (new Outcome.AuthFailed<>(error, description));
        } catch (IOException e) {
            return (new Outcome.NetworkError<>("token endpoint " + config.getLoginUrl() + ": " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return (new Outcome.NetworkError<>("interrupted"));
        }
    }

    /** The user's ID, the last part of an identity URL ({@code https://login.salesforce.com/id/<org>/<user>}), or null. */
    static String userOf(String identityUrl) {
        String[] parts = identityUrl.split("/");
        String last = parts.length == 0 ? "" : parts[parts.length - 1];
        return last.length() == 15 || last.length() == 18 ? last : null;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
