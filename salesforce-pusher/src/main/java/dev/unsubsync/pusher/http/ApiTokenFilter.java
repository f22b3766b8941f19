package dev.unsubsync.pusher.http;

import dev.unsubsync.security.ApiKeys;
import dev.unsubsync.security.RequiresScope;
import dev.unsubsync.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import java.util.Optional;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <key>} ({@code pusher.api-token} or the keys file);
 * else 401. The route's {@link RequiresScope} must be among the key's scopes, else 403 naming the missing one.
 */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    private final ApiKeys keys;

    public ApiTokenFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        return switch (keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            case ApiKeys.Authentication.Refused(String detail) -> Problems.response(HttpStatus.UNAUTHORIZED, "Unauthorized", detail)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"salesforce-pusher\"");
            case ApiKeys.Authentication.Caller caller -> {
                var route = RouteAttributes.getRouteMatch(request);
                Optional<Scope> needed = route.flatMap(r -> r.getAnnotationMetadata().enumValue(RequiresScope.class, Scope.class));
                if (route.isPresent() && needed.isEmpty()) {
                    yield Problems.response(HttpStatus.FORBIDDEN, "Forbidden", "this route declares no scope, so no key may call it");
                }
                yield needed.isPresent() && !caller.may(needed.get()) ? Problems.response(HttpStatus.FORBIDDEN, "Forbidden", caller.lacks(needed.get())) : null;
            }
        };
    }
}
