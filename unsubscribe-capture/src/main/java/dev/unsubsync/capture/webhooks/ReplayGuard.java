package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers what authenticated a webhook call (a token, a digest of what was signed, a message id) for a window, so the same call sent
 * again within it is refused as a replay. A call is remembered only once what it carried is durable
 * ({@link Verified#accepted}): a call answered 503 must be accepted when the provider sends it again. Bounded: at most
 * 100,000 entries, the oldest forgotten first. One instance's memory; the timestamp tolerance bounds the rest.
 */
@FrameworkFree
public final class ReplayGuard {

    private static final int MAX_ENTRIES = 100_000;

    private final Duration window;
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();

    public ReplayGuard(Duration window) {
        this.window = window;
    }

    /**
     * A key for what a call signed, not for the text of its signature: an equivalent encoding of the same signature (a
     * Base64 variant, an ECDSA signature's other valid form) signs the same bytes and must count as the same call.
     */
    public static String keyOf(byte[]... signed) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] part : signed) {
                sha256.update(part);
                // A separator, so ("ab", "c") and ("a", "bc") differ.
                sha256.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code key} was accepted within the window. */
    public synchronized boolean used(String key, Instant now) {
        forgetOld(now);
        return seen.containsKey(key);
    }

    /** Remembers {@code key} as accepted now. */
    public synchronized void markUsed(String key, Instant now) {
        forgetOld(now);
        seen.putIfAbsent(key, now);
    }

    private void forgetOld(Instant now) {
        Instant horizon = now.minus(window);
        for (Iterator<Map.Entry<String, Instant>> oldest = seen.entrySet().iterator(); oldest.hasNext();) {
            Map.Entry<String, Instant> entry = oldest.next();
            if (!entry.getValue().isBefore(horizon) && seen.size() < MAX_ENTRIES) {
                break;
            }
            oldest.remove();
        }
    }
}
