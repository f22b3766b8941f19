package dev.unsubsync.capture.http;

import dev.unsubsync.capture.config.CaptureConfiguration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Every {@code /v1} request carries {@code Authorization: Bearer <capture.api-token>}; anything else is 401. */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    /** Request attribute holding the name of the authenticated caller, recorded as the event's origin. */
    public static final String ORIGIN = "unsubsync.origin";

    private final byte[] token;

    public ApiTokenFilter(CaptureConfiguration config) {
        this.token = config.getApiToken().getBytes(StandardCharsets.UTF_8);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("missing bearer token: send Authorization: Bearer <token>");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: response time says nothing about how much of the token was right.
        if (!MessageDigest.isEqual(given, token)) {
            return unauthorized("the bearer token is not valid");
        }
        request.setAttribute(ORIGIN, "api");
        return null;
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail, null)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"unsubscribe-capture\"");
    }
}
