package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.RateLimits;
import dev.unsubsync.security.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.Optional;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <key>}: the configured token or a named key from the
 * keys file; anything else is 401. The key's name becomes the origin of what the request records. Each key is held to
 * {@code capture.rate-limit.per-second} (burst {@code capture.rate-limit.burst}); over it, 429 with {@code Retry-After}.
 */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    /** Request attribute holding the name of the authenticated caller, recorded as the event's origin. */
    public static final String ORIGIN = "unsubsync.origin";

    private final ApiKeys keys;
    private final RateLimits limits;

    public ApiTokenFilter(ApiKeys keys, RateLimits limits) {
        this.keys = keys;
        this.limits = limits;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String name = switch (keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            case ApiKeys.Authentication.Caller(String caller) -> caller;
            case ApiKeys.Authentication.Refused(String detail) -> null;
        };
        if (name == null) {
            return unauthorized(((ApiKeys.Authentication.Refused) keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION))).detail());
        }
        request.setAttribute(ORIGIN, name);
        java.util.Optional<java.time.Duration> wait = limits.acquire(name);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Problem.response(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                    "API key '" + name + "' is over its limit (capture.rate-limit.per-second); retry after " + seconds + " s", null)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        }
        return null;
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail, null)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"unsubscribe-capture\"");
    }
}
