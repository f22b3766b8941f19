package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.Faults;
import dev.unsubsync.emulator.domain.SalesforceException;
import dev.unsubsync.emulator.domain.Tokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
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

    private static final Pattern RECORD_ID = Pattern.compile("/(?:[a-zA-Z0-9]{18}|[a-zA-Z0-9]{15})(?=/|$)");
    private static final Pattern LOCATOR = Pattern.compile("/query/01g[^/]+");

    private final Tokens tokens;
    private final ApiUsage usage;
    private final Faults faults;
    private final Map<String, AtomicLong> calls = new ConcurrentSkipListMap<>();

    public ApiFilter(Tokens tokens, ApiUsage usage, Faults faults) {
        this.tokens = tokens;
        this.usage = usage;
        this.faults = faults;
    }

    /** Calls per endpoint since start-up (or the last reset), e.g. {@code PATCH /services/data/{version}/composite/sobjects}. */
    public Map<String, Long> calls() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        calls.forEach((endpoint, count) -> snapshot.put(endpoint, count.get()));
        return snapshot;
    }

    /** Forgets the counts. */
    public void resetCalls() {
        calls.clear();
    }

    @RequestFilter
    // Injected latency blocks: keep it off the event loop.
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) throws InterruptedException {
        String[] segments = request.getPath().split("/");
        if (segments.length <= 3) {
            return null;
        }
        var version = VERSION.matcher(segments[3]);
        if (!version.matches() || Integer.parseInt(version.group(1)) < 20) {
            return Errors.response(404, "NOT_FOUND", "The requested resource does not exist", List.of());
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String token = Sessions.token(authorization);
        if (token == null || !tokens.isValid(token)) {
            return Errors.response(401, "INVALID_SESSION_ID", "Session expired or invalid", List.of());
        }
        if (CompositeController.SECRET.equals(request.getHeaders().get(CompositeController.SUBREQUEST))) {
            // A subrequest of a composite call: the composite call itself was counted, as Salesforce counts it.
            return null;
        }
        calls.computeIfAbsent(endpoint(request), k -> new AtomicLong()).incrementAndGet();
        long latency = faults.latency().toMillis();
        if (latency > 0) {
            Thread.sleep(latency);
        }
        if (faults.dropConnection() && request instanceof NettyHttpRequest<?> netty) {
            // The client sees the connection close with no answer, as when a proxy or Salesforce's edge drops it.
            // Closed and waited for before anything is answered: otherwise the 503 below could reach the client first.
            netty.getChannelHandlerContext().channel().close().awaitUninterruptibly();
            return Errors.response(503, "SERVER_UNAVAILABLE", "connection dropped", List.of());
        }
        if (!usage.tryAcquire()) {
            return Errors.response(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", List.of());
        }
        Optional<SalesforceException> failure = faults.requestFailure();
        if (failure.isPresent()) {
            return Errors.response(failure.get());
        }
        return null;
    }

    private static String endpoint(HttpRequest<?> request) {
        String path = request.getPath().replaceFirst("^/services/data/v\\d+\\.\\d", "/services/data/{version}");
        path = LOCATOR.matcher(path).replaceAll("/query/{locator}");
        path = RECORD_ID.matcher(path).replaceAll("/{id}");
        return request.getMethodName() + " " + path;
    }

    @ResponseFilter
    public void limitInfo(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getPath().split("/").length > 3 && response.code() != 401) {
            response.header(LIMIT_INFO, usage.header());
        }
    }
}
