package dev.unsubsync.capture.history;

import dev.unsubsync.capture.support.Hmac;
import dev.unsubsync.kit.FrameworkFree;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The credential one capture instance shows another when it asks on a caller's behalf (a forwarded history query, a
 * share of the daily counts): never the caller's own key or cookie, which would then travel to whatever address Kafka
 * Streams advertises. It is an HMAC, under a key derived from the secret every instance shares, of the time, the
 * method and the path with its query, so it is good for that one request for {@link #VALIDITY} and nothing else. The
 * instance that forwards has already checked the caller's key and scope.
 */
@FrameworkFree
public final class PeerCredential {

    /** The header carrying it. */
    public static final String HEADER = "X-Unsubsync-Peer";
    /** How long a credential is good for, either side of its time (clock skew between instances). */
    public static final Duration VALIDITY = Duration.ofSeconds(60);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;

    public PeerCredential(String sharedSecret, Clock clock) {
        this.key = Hmac.derive(sharedSecret, "unsubsync peer call v1");
        this.clock = clock;
    }

    /** The header value for a call of {@code method} on {@code pathAndQuery} (e.g. {@code /v1/admin/daily?local=true}). */
    public String sign(String method, String pathAndQuery) {
        long now = clock.instant().getEpochSecond();
        return now + "." + B64.encodeToString(mac(now, method, pathAndQuery));
    }

    /** Whether a header value is a fresh credential of another instance for exactly this request. */
    public boolean verify(String presented, String method, String pathAndQuery) {
        int dot = presented.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long at;
        try {
            at = Long.parseLong(presented.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        Instant now = clock.instant();
        Instant signed = Instant.ofEpochSecond(at);
        if (signed.isBefore(now.minus(VALIDITY)) || signed.isAfter(now.plus(VALIDITY))) {
            return false;
        }
        byte[] expected = B64.encodeToString(mac(at, method, pathAndQuery)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    /** The path and query of a URI as sent: the part a credential signs. */
    public static String pathAndQuery(URI uri) {
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private byte[] mac(long at, String method, String pathAndQuery) {
        return Hmac.sha256(key, (at + "\n" + method + "\n" + pathAndQuery).getBytes(StandardCharsets.UTF_8));
    }
}
