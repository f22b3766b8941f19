package dev.unsubsync.capture.console;

import dev.unsubsync.kit.http.CallerSource;
import dev.unsubsync.kit.security.ApiKeys;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The admin console's calls: a request without {@code Authorization} that carries the session cookie speaks for the
 * session's key. One that changes something must also carry {@code X-Unsubsync-Console: 1}, which another site's form
 * cannot send (with the cookie's SameSite=Strict, two defences against cross-site requests).
 */
@Singleton
class ConsoleCallers implements CallerSource, Ordered {

    /** The header a console request that changes something carries. */
    static final String CONSOLE_HEADER = "X-Unsubsync-Console";

    private final AdminSessions sessions;

    ConsoleCallers(AdminSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Optional<ApiKeys.Authentication> authenticate(HttpRequest<?> request) {
        Optional<Cookie> cookie = request.getCookies().findCookie(AdminSessions.COOKIE);
        if (request.getHeaders().get(HttpHeaders.AUTHORIZATION) != null || cookie.isEmpty()) {
            return Optional.empty();
        }
        Optional<AdminSessions.Session> session = sessions.check(cookie.get().getValue());
        if (session.isEmpty()) {
            return Optional.of(new ApiKeys.Authentication.Refused("the console session has expired, was logged out, or its key was removed: log in again"));
        }
        boolean changes = !(request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD || request.getMethod() == HttpMethod.OPTIONS);
        if (changes && !"1".equals(request.getHeaders().get(CONSOLE_HEADER))) {
            return Optional.of(new ApiKeys.Authentication.Forbidden("a console request that changes something must carry " + CONSOLE_HEADER + ": 1"));
        }
        return Optional.of(session.get().caller());
    }

    @Override
    public int getOrder() {
        // After the peer credential: a request carrying one is a peer's, whatever else it carries.
        return 1;
    }
}
