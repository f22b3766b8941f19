package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.AdminSessions;
import dev.unsubsync.capture.domain.RateLimits;
import dev.unsubsync.security.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <key>} (the configured token or a named key from the
 * keys file), or comes from the admin console with its session cookie; anything else is 401. A console request that
 * changes something must also carry {@code X-Unsubsync-Console: 1}, which another site's form cannot send (with the
 * cookie's SameSite=Strict, two defences against cross-site requests). The key's name becomes the origin of what the
 * request records. Each key is held to {@code capture.rate-limit.per-second} (burst {@code capture.rate-limit.burst});
 * over it, 429 with {@code Retry-After}.
 */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    /** Request attribute holding the name of the authenticated caller, recorded as the event's origin. */
    public static final String ORIGIN = "unsubsync.origin";
    /** The header a console request that changes something carries. */
    public static final String CONSOLE_HEADER = "X-Unsubsync-Console";

    private final ApiKeys keys;
    private final RateLimits limits;
    private final AdminSessions sessions;

    public ApiTokenFilter(ApiKeys keys, RateLimits limits, AdminSessions sessions) {
        this.keys = keys;
        this.limits = limits;
        this.sessions = sessions;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Optional<Cookie> session = request.getCookies().findCookie(AdminSessions.COOKIE);
        String name;
        if (authorization == null && session.isPresent()) {
            Optional<String> caller = sessions.check(session.get().getValue());
            if (caller.isEmpty()) {
                return unauthorized("the console session has expired or its key was removed: log in again");
            }
            boolean changes = !(request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD || request.getMethod() == HttpMethod.OPTIONS);
            if (changes && !"1".equals(request.getHeaders().get(CONSOLE_HEADER))) {
                return Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                        "a console request that changes something must carry " + CONSOLE_HEADER + ": 1", null);
            }
            name = caller.get();
        } else {
            switch (keys.authenticate(authorization)) {
                case ApiKeys.Authentication.Refused(String detail) -> {
                    return unauthorized(detail);
                }
                case ApiKeys.Authentication.Caller(String caller) -> name = caller;
            }
        }
        request.setAttribute(ORIGIN, name);
        Optional<Duration> wait = limits.acquire(name);
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
