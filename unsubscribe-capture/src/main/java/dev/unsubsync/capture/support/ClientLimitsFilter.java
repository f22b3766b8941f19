package dev.unsubsync.capture.support;

import dev.unsubsync.kit.http.Problem;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.time.Duration;
import java.util.Optional;

/**
 * Limits per client address on what strangers can reach: the public endpoints ({@code /u}, {@code /webhooks}) take at
 * most {@code capture.client-rate-limit.per-second} requests a second from one address (burst
 * {@code capture.client-rate-limit.burst}), and an address that keeps failing authentication (401 on {@code /v1},
 * {@code /webhooks} or the console login) is refused for a while ({@code capture.failed-auth-limit.per-minute}). Over
 * either: 429 with {@code Retry-After}. The address is the connection's peer: behind a proxy, every client shares the
 * proxy's limit, so size it for that (or terminate the proxy's own limits in front).
 */
@ServerFilter({"/u/**", "/webhooks/**", "/v1/**", "/admin/session"})
public class ClientLimitsFilter {

    private static final int MAX_CLIENTS = 100_000;

    private final RateLimits requests;
    private final RateLimits failures;

    public ClientLimitsFilter(CaptureTuning.ClientRate rate, CaptureTuning.FailedAuth failedAuth) {
        this.requests = new RateLimits(rate.perSecond(), rate.burst(), System::nanoTime, MAX_CLIENTS);
        this.failures = new RateLimits(failedAuth.perMinute() / 60.0, failedAuth.perMinute(), System::nanoTime, MAX_CLIENTS);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> limit(HttpRequest<?> request) {
        String client = client(request);
        Optional<Duration> blocked = failures.peek(client);
        if (blocked.isPresent()) {
            return tooMany(blocked.get(), "too many failed authentications from this address; wait before trying again");
        }
        String path = request.getPath();
        if (path.startsWith("/u/") || path.startsWith("/webhooks/")) {
            Optional<Duration> wait = requests.acquire(client);
            if (wait.isPresent()) {
                return tooMany(wait.get(), "too many requests from this address (capture.client-rate-limit.per-second)");
            }
        }
        return null;
    }

    @ResponseFilter
    public void countFailures(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.getStatus() == HttpStatus.UNAUTHORIZED) {
            failures.acquire(client(request));
        }
    }

    private static String client(HttpRequest<?> request) {
        return request.getRemoteAddress().getAddress() == null
                ? request.getRemoteAddress().getHostString()
                : request.getRemoteAddress().getAddress().getHostAddress();
    }

    private static HttpResponse<?> tooMany(Duration wait, String detail) {
        return Problem.response(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", detail, null)
                .header("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
    }
}
