package dev.unsubsync.capture.support;

import dev.unsubsync.kit.FrameworkFree;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, and the keys capture derives from its one shared secret (one per use, so no use can stand for another). */
@FrameworkFree
public final class Hmac {

    private Hmac() {
    }

    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A key for one use, derived from the shared secret and the use's label. */
    public static byte[] derive(String sharedSecret, String use) {
        return sha256(sharedSecret.getBytes(StandardCharsets.UTF_8), use.getBytes(StandardCharsets.UTF_8));
    }
}
