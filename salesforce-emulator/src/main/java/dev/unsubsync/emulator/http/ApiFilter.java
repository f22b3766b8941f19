package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.Tokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What Salesforce does around every REST call under {@code /services/data/vNN.N}: checks the session
 * ({@code 401 INVALID_SESSION_ID}), counts the call against the daily allowance ({@code 403 REQUEST_LIMIT_EXCEEDED} when
 * it is used up), and reports usage in {@code Sforce-Limit-Info}. The version list itself needs no session.
 */
@ServerFilter("/services/data/**")
public class ApiFilter {

    static final String LIMIT_INFO = "Sforce-Limit-Info";
    private static final Pattern VERSION = Pattern.compile("v(\\d{2})\\.0");

    private final Tokens tokens;
    private final ApiUsage usage;

    public ApiFilter(Tokens tokens, ApiUsage usage) {
        this.tokens = tokens;
        this.usage = usage;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        String[] segments = request.getPath().split("/");
        if (segments.length <= 3) {
            return null;
        }
        var version = VERSION.matcher(segments[3]);
        if (!version.matches() || Integer.parseInt(version.group(1)) < 20) {
            return Errors.response(404, "NOT_FOUND", "The requested resource does not exist", List.of());
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String token = authorization == null ? null
                : authorization.startsWith("Bearer ") ? authorization.substring(7).trim()
                : authorization.startsWith("OAuth ") ? authorization.substring(6).trim() : null;
        if (token == null || !tokens.isValid(token)) {
            return Errors.response(401, "INVALID_SESSION_ID", "Session expired or invalid", List.of());
        }
        if (!usage.tryAcquire()) {
            return Errors.response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", List.of());
        }
        return null;
    }

    @ResponseFilter
    public void limitInfo(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getPath().split("/").length > 3 && response.code() != 401) {
            response.header(LIMIT_INFO, usage.header());
        }
    }
}
