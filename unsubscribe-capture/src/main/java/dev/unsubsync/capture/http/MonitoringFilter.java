package dev.unsubsync.capture.http;

import dev.unsubsync.security.ApiKeys;
import dev.unsubsync.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Monitoring shows strangers nothing but a status: {@code /health} without a token answers UP or DOWN (and its
 * liveness and readiness probes likewise), its details (which components, their errors) need a bearer key with the
 * {@code read} scope, and {@code /prometheus} needs one too (Prometheus sends it with {@code authorization} in its
 * scrape config). A token that is sent but not valid is a 401, never a silent downgrade.
 */
@ServerFilter({"/health", "/health/**", "/prometheus"})
public class MonitoringFilter {

    private final ApiKeys keys;

    public MonitoringFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        boolean metrics = request.getPath().startsWith("/prometheus");
        if (authorization == null && !metrics) {
            return null;
        }
        return switch (keys.authenticate(authorization)) {
            case ApiKeys.Authentication.Refused(String detail) -> Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail, null)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"unsubscribe-capture\"");
            case ApiKeys.Authentication.Caller caller when !caller.may(Scope.READ) -> Problem.response(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", caller.lacks(Scope.READ), null);
            case ApiKeys.Authentication.Caller caller -> {
                // Micronaut's health endpoint shows details to a request with a principal (details-visible: AUTHENTICATED).
                request.setUserPrincipal(caller::name);
                yield null;
            }
        };
    }
}
