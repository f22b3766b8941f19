package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.config.EmulatorConfiguration;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.JwtBearer;
import dev.unsubsync.emulator.domain.Tokens;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth 2.0 token endpoint, {@code POST /services/oauth2/token}: the client-credentials flow
 * ({@code grant_type=client_credentials}, {@code client_id} and {@code client_secret} in the form body or as HTTP Basic)
 * and, when the connected app's certificate is configured, the JWT bearer flow
 * ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}, {@code assertion}).
 */
@Controller("/services/oauth2")
public class OAuthController {

    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final EmulatorConfiguration config;
    private final Tokens tokens;
    private final Clock clock;
    private final Optional<JwtBearer> jwtBearer;

    public OAuthController(EmulatorConfiguration config, Tokens tokens, Clock clock, Optional<JwtBearer> jwtBearer) {
        this.config = config;
        this.tokens = tokens;
        this.clock = clock;
        this.jwtBearer = jwtBearer;
    }

    @Post(value = "/token", consumes = MediaType.APPLICATION_FORM_URLENCODED, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Map<String, String>> token(HttpRequest<?> request, @Body Map<String, String> form) {
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return error("invalid_request", "grant type not supported");
        }
        if (grantType.equals(JWT_BEARER) && jwtBearer.isPresent()) {
            Optional<JwtBearer.Refusal> refusal = jwtBearer.get().check(form.get("assertion"));
            if (refusal.isPresent()) {
                return error(refusal.get().error(), refusal.get().description());
            }
            return HttpResponse.ok(session(request, false));
        }
        if (!grantType.equals("client_credentials")) {
            return error("unsupported_grant_type", "grant type not supported");
        }
        String clientId = form.get("client_id");
        String clientSecret = form.get("client_secret");
        String basic = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (clientId == null && basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
            clientId = pair[0];
            clientSecret = pair.length > 1 ? pair[1] : null;
        }
        if (clientId == null || !same(clientId, config.getClientId())) {
            return error("invalid_client_id", "client identifier invalid");
        }
        if (clientSecret == null || !same(clientSecret, config.getClientSecret())) {
            return error("invalid_client", "invalid client credentials");
        }
        return HttpResponse.ok(session(request, true));
    }

    /** A token response; the client-credentials flow also carries {@code signature} and {@code token_format}. */
    private Map<String, String> session(HttpRequest<?> request, boolean clientCredentials) {
        String instanceUrl = Sessions.instanceUrl(config, request);
        String accessToken = tokens.issue();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        if (clientCredentials) {
            body.put("signature", signature(accessToken));
        }
        body.put("scope", "api");
        body.put("instance_url", instanceUrl);
        body.put("id", instanceUrl + "/id/" + Identity.ORG_ID + "/" + Identity.USER_ID);
        body.put("token_type", "Bearer");
        body.put("issued_at", String.valueOf(clock.millis()));
        if (clientCredentials) {
            body.put("token_format", "opaque");
        }
        return body;
    }

    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static String signature(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<Map<String, String>> error(String error, String description) {
        return HttpResponse.<Map<String, String>>badRequest().body(Map.of("error", error, "error_description", description));
    }
}
