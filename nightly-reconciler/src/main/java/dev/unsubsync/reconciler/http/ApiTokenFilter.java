package dev.unsubsync.reconciler.http;

import dev.unsubsync.security.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

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
        return switch (keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            case ApiKeys.Authentication.Refused(String detail) -> unauthorized(detail);
            case ApiKeys.Authentication.Caller(String name) -> {
                request.setAttribute(CALLER, name);
                yield null;
            }
        };
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"nightly-reconciler\"");
    }
}
