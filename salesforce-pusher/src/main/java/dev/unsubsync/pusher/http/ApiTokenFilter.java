package dev.unsubsync.pusher.http;

import dev.unsubsync.security.ApiKeys;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Every {@code /v1} request carries {@code Authorization: Bearer <key>} ({@code pusher.api-token} or the keys file); else 401. */
@ServerFilter("/v1/**")
public class ApiTokenFilter {

    private final ApiKeys keys;

    public ApiTokenFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (keys.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION)) instanceof ApiKeys.Authentication.Refused(String detail)) {
            return Problems.response(HttpStatus.UNAUTHORIZED, "Unauthorized", detail)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"salesforce-pusher\"");
        }
        return null;
    }
}
