package dev.unsubsync.capture.console;

import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.kit.http.Problem;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The console's calls to the pusher and the reconciler, relayed with capture's services token: their answer as they
 * gave it (a {@code Location} pointed at the console's path), 503 naming the setting when the service is not
 * configured, 502 when it does not answer.
 */
final class ServiceRelay {

    private final CaptureConfiguration config;
    private final HttpClient http;

    ServiceRelay(CaptureConfiguration config, HttpClient http) {
        this.config = config;
        this.http = http;
    }

    HttpResponse<?> toPusher(String method, String path) {
        return relay("pusher", config.getPusherUrl(), method, path);
    }

    HttpResponse<?> toReconciler(String method, String path) {
        return relay("reconciler", config.getReconcilerUrl(), method, path);
    }

    /** {@code ?name=value}, encoded, or nothing when there is no value. */
    static String query(String name, @Nullable String value) {
        return value == null || value.isBlank() ? "" : "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpResponse<?> relay(String service, @Nullable String base, String method, String path) {
        if (base == null || base.isBlank()) {
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-configured", "The " + service + " is not configured",
                    "set capture." + service + "-url to show this", null);
        }
        HttpRequest.Builder call = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + config.getServicesToken())
                .method(method, HttpRequest.BodyPublishers.noBody());
        try {
            java.net.http.HttpResponse<String> answer = http.send(call.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.valueOf(answer.statusCode()))
                    .contentType(answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(MediaType.APPLICATION_JSON)).body(answer.body());
            answer.headers().firstValue(HttpHeaders.LOCATION)
                    .ifPresent(location -> response.header(HttpHeaders.LOCATION, location.replace("/v1/", "/v1/admin/")));
            answer.headers().firstValue(HttpHeaders.RETRY_AFTER).ifPresent(after -> response.header(HttpHeaders.RETRY_AFTER, after));
            return response;
        } catch (IOException e) {
            return Problem.response(HttpStatus.BAD_GATEWAY, "unreachable", "The " + service + " did not answer",
                    "the " + service + " at " + base + " did not answer: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "Interrupted", "interrupted", null);
        }
    }
}
