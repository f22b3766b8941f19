package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.config.EmulatorConfiguration;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

/** How a request names its session, and where the org answers: shared by the data API, OAuth and identity. */
final class Sessions {

    private Sessions() {
    }

    /** The token of an {@code Authorization: Bearer …} (or Salesforce's older {@code OAuth …}) header; null when none. */
    @Nullable
    static String token(@Nullable String authorization) {
        if (authorization == null) {
            return null;
        }
        return authorization.startsWith("Bearer ")
                ? authorization.substring(7).trim()
                : authorization.startsWith("OAuth ") ? authorization.substring(6).trim() : null;
    }

    /** The configured instance URL, else the address the request came to. */
    static String instanceUrl(EmulatorConfiguration config, HttpRequest<?> request) {
        if (config.getInstanceUrl() != null) {
            return config.getInstanceUrl();
        }
        String host = request.getHeaders().get(HttpHeaders.HOST);
        return "http://" + (host != null ? host : request.getServerAddress().getHostString() + ":" + request.getServerAddress().getPort());
    }
}
