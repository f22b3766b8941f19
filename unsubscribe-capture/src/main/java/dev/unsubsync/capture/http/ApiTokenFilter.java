package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.AdminSessions;
import dev.unsubsync.capture.domain.PeerCredential;
import dev.unsubsync.capture.domain.RateLimits;
import dev.unsubsync.security.ApiKeys;
import dev.unsubsync.security.RequiresScope;
import dev.unsubsync.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.web.router.RouteAttributes;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <key>} (the configured token or a named key from the
 * keys file), or comes from the admin console with its session cookie, or from another capture instance with its
 * {@link PeerCredential}; anything else is 401. The route's {@link RequiresScope} must be among the caller's scopes,
 * else 403 naming the missing one. A console request that changes something must also carry
 * {@code X-Unsubsync-Console: 1}, which another site's form cannot send (with the cookie's SameSite=Strict, two
 * defences against cross-site requests). The key's name becomes the origin of what the request records. Each key is
 * held to {@code capture.rate-limit.per-second} (burst {@code capture.rate-limit.burst}); over it, 429 with
 * {@code Retry-After}.
 */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    /** Request attribute holding the name of the authenticated caller, recorded as the event's origin. */
    public static final String ORIGIN = "unsubsync.origin";
    /** The header a console request that changes something carries. */
    public static final String CONSOLE_HEADER = "X-Unsubsync-Console";
    /** The caller name of another capture instance asking on a caller's behalf. */
    static final String PEER = "peer";

    private final ApiKeys keys;
    private final RateLimits limits;
    private final AdminSessions sessions;
    private final PeerCredential peers;

    public ApiTokenFilter(ApiKeys keys, RateLimits limits, AdminSessions sessions, PeerCredential peers) {
        this.keys = keys;
        this.limits = limits;
        this.sessions = sessions;
        this.peers = peers;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        ApiKeys.Authentication.Caller caller;
        switch (caller(request)) {
            case ApiKeys.Authentication.Refused(String detail) -> {
                return unauthorized(detail);
            }
            case ApiKeys.Authentication.Caller known -> caller = known;
        }
        boolean viaConsole = request.getHeaders().get(HttpHeaders.AUTHORIZATION) == null && request.getHeaders().get(PeerCredential.HEADER) == null;
        boolean changes = !(request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD || request.getMethod() == HttpMethod.OPTIONS);
        if (viaConsole && changes && !"1".equals(request.getHeaders().get(CONSOLE_HEADER))) {
            return Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "a console request that changes something must carry " + CONSOLE_HEADER + ": 1", null);
        }
        // No route (a 404 or 405 to come): nothing to check a scope against.
        var route = RouteAttributes.getRouteMatch(request);
        if (route.isPresent()) {
            Optional<Scope> needed = route.get().getAnnotationMetadata().enumValue(RequiresScope.class, Scope.class);
            if (needed.isEmpty()) {
                return Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "this route declares no scope, so no key may call it", null);
            }
            if (!caller.may(needed.get())) {
                return Problem.response(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", caller.lacks(needed.get()), null);
            }
        }
        request.setAttribute(ORIGIN, caller.name());
        Optional<Duration> wait = limits.acquire(caller.name());
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Problem.response(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                    "API key '" + caller.name() + "' is over its limit (capture.rate-limit.per-second); retry after " + seconds + " s", null)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        }
        return null;
    }

    private ApiKeys.Authentication caller(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String peer = request.getHeaders().get(PeerCredential.HEADER);
        if (peer != null) {
            // Peers only ever read on a caller's behalf; the instance that forwards has checked that caller.
            return request.getMethod() == HttpMethod.GET && peers.verify(peer, "GET", pathAndQuery(request.getUri()))
                    ? new ApiKeys.Authentication.Caller(PEER, java.util.Set.of(Scope.ADMIN))
                    : new ApiKeys.Authentication.Refused("the peer credential is not valid for this request");
        }
        Optional<Cookie> cookie = request.getCookies().findCookie(AdminSessions.COOKIE);
        if (authorization == null && cookie.isPresent()) {
            Optional<AdminSessions.Session> session = sessions.check(cookie.get().getValue());
            if (session.isEmpty()) {
                return new ApiKeys.Authentication.Refused("the console session has expired, was logged out, or its key was removed: log in again");
            }
            return session.get().caller();
        }
        return keys.authenticate(authorization);
    }

    /** The path and query of a URI as sent, the part a {@link PeerCredential} signs. */
    static String pathAndQuery(URI uri) {
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail, null)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"unsubscribe-capture\"");
    }
}
