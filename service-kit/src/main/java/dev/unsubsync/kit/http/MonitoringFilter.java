package dev.unsubsync.kit.http;

import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.ApplicationConfiguration;
import java.util.Map;

/**
 * Monitoring shows strangers nothing but a status: {@code /health} without a token answers UP or DOWN (and its
 * liveness and readiness probes likewise), its details (which components, their errors) need a bearer key with the
 * {@code read} scope, and {@code /prometheus} needs one too (Prometheus sends it with {@code authorization} in its
 * scrape config). A token that is sent but not valid is a 401, never a silent downgrade.
 */
@ServerFilter({"/health", "/health/**", "/prometheus"})
public class MonitoringFilter {

    private static final String SHOWN_TO = "unsubsync.monitoring-caller";

    private final ApiKeys keys;
    private final String realm;

    public MonitoringFilter(ApiKeys keys, ApplicationConfiguration application) {
        this.keys = keys;
        this.realm = application.getName().orElseThrow(() -> new IllegalStateException("micronaut.application.name is not set"));
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
            case ApiKeys.Authentication.Refused(String detail) -> Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
            case ApiKeys.Authentication.Forbidden(String detail) -> Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
            case ApiKeys.Authentication.Caller caller when !caller.may(Scope.READ) ->
                Problem.response(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", caller.lacks(Scope.READ));
            case ApiKeys.Authentication.Caller caller -> {
                request.setAttribute(SHOWN_TO, caller.name());
                yield null;
            }
        };
    }

    /**
     * Health answers with its details only to a caller with a key; anyone else gets the status alone. (Micronaut's own
     * {@code details-visible: AUTHENTICATED} needs micronaut-security's principal binding, which we do not use.)
     */
    @ResponseFilter
    public void statusOnlyForStrangers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getPath().startsWith("/health") && request.getAttribute(SHOWN_TO).isEmpty()) {
            String status = response.getBody(HealthResult.class).map(result -> result.getStatus().getName())
                    .orElse(response.getStatus().getCode() < 300 ? "UP" : "DOWN");
            response.body(Map.of("status", status));
            // Micronaut maps DOWN to 503 from the HealthResult body, which is gone now: probes read the code, so set it.
            if (status.equals("DOWN")) {
                response.status(HttpStatus.SERVICE_UNAVAILABLE);
            }
        }
    }
}
