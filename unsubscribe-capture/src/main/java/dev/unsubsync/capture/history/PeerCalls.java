package dev.unsubsync.capture.history;

import dev.unsubsync.capture.support.CaptureConfiguration;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * Calls one capture instance makes to another on a caller's behalf (a forwarded history query, a share of the daily
 * counts). They carry this instance's own {@link PeerCredential}, never the caller's key or cookie, and use
 * {@code capture.peer-scheme} ({@code http}, or {@code https} where instances serve TLS).
 */
@Singleton
public final class PeerCalls {

    private final PeerCredential credential;
    private final String scheme;

    PeerCalls(PeerCredential credential, CaptureConfiguration config) {
        this.credential = credential;
        this.scheme = config.getPeerScheme();
    }

    /** A signed {@code GET} of {@code pathAndQuery} (raw, as sent) on the instance at {@code host:port}. */
    public HttpRequest get(String host, int port, String pathAndQuery, Duration timeout) {
        URI uri = URI.create(scheme + "://" + host + ":" + port + pathAndQuery);
        return HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header(PeerCredential.HEADER, credential.sign("GET", PeerCredential.pathAndQuery(uri))).build();
    }
}
