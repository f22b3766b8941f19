package dev.unsubsync.kit.http;

import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.OrderUtil;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.runtime.ApplicationConfiguration;
import io.micronaut.web.router.RouteAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every service's {@code /v1} API: who sends each request, and whether they may. A request names its caller by
 * {@code Authorization: Bearer <key>} (the service's token or a named key from its keys file) or through one of the
 * service's {@link CallerSource}s; anything else is 401. The route's {@link RequiresScope} must be among the caller's
 * scopes, else 403 naming the missing one; a route that declares none is refused to everyone. The caller's name is kept
 * on the request ({@link #CALLER}) as the origin of what it records; where the service limits callers
 * ({@link CallerLimits}), a caller over its allowance gets 429 with {@code Retry-After}.
 */
@ServerFilter("/v1/**")
public class ApiFilter {

    /** Request attribute holding the name of the authenticated caller. */
    public static final String CALLER = "unsubsync.caller";

    private final ApiKeys keys;
    private final List<CallerSource> sources;
    private final Optional<CallerLimits> limits;
    private final String realm;

    public ApiFilter(ApiKeys keys, List<CallerSource> sources, Optional<CallerLimits> limits, ApplicationConfiguration application) {
        this.keys = keys;
        List<CallerSource> ordered = new ArrayList<>(sources);
        OrderUtil.sort(ordered);
        this.sources = List.copyOf(ordered);
        this.limits = limits;
        this.realm = application.getName().orElseThrow(() -> new IllegalStateException("micronaut.application.name is not set"));
    }

    /** The name of the caller of a request this filter let through. */
    public static String caller(HttpRequest<?> request) {
        return request.getAttribute(CALLER, String.class).orElseThrow();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        ApiKeys.Authentication authentication = sources.stream().map(source -> source.authenticate(request)).flatMap(Optional::stream)
                .findFirst().orElseGet(() -> keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION)));
        ApiKeys.Authentication.Caller caller;
        switch (authentication) {
            case ApiKeys.Authentication.Refused(String detail) -> {
                return Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
            }
            case ApiKeys.Authentication.Forbidden(String detail) -> {
                return Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
            }
            case ApiKeys.Authentication.Caller known -> caller = known;
        }
        // No route (a 404 or 405 to come): nothing to check a scope against.
        var route = RouteAttributes.getRouteMatch(request);
        if (route.isPresent()) {
            Optional<Scope> needed = route.get().getAnnotationMetadata().enumValue(RequiresScope.class, Scope.class);
            if (needed.isEmpty()) {
                return Problem.response(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "this route declares no scope, so no key may call it");
            }
            if (!caller.may(needed.get())) {
                return Problem.response(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", caller.lacks(needed.get()));
            }
        }
        request.setAttribute(CALLER, caller.name());
        Optional<Duration> wait = limits.flatMap(l -> l.acquire(caller.name()));
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Problem.response(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                    "API key '" + caller.name() + "' is over its limit (" + limits.get().setting() + "); retry after " + seconds + " s")
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        }
        return null;
    }
}
