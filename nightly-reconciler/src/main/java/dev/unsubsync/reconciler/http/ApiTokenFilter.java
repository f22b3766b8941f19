package dev.unsubsync.reconciler.http;

import dev.unsubsync.security.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.Optional;

/** Every {@code /v1} request carries {@code Authorization: Bearer <key>}, as on capture's API; anything else is 401. */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    /** Request attribute holding the name of the authenticated caller. */
    public static final String CALLER = "unsubsync.caller";

    private final ApiKeys keys;

    public ApiTokenFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("missing bearer token: send Authorization: Bearer <token>");
        }
        Optional<String> name = keys.nameFor(authorization.substring(7).trim());
        if (name.isEmpty()) {
            return unauthorized("the bearer token is not valid");
        }
        request.setAttribute(CALLER, name.get());
        return null;
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nightly-reconciler\"");
    }
}
