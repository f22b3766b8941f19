package dev.unsubsync.capture.domain;

import dev.unsubsync.security.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser sessions of the admin console. An admin logs in with an API key (the same keys as the API); the session is a
 * signed, expiring token in an HttpOnly cookie naming the key's name and its {@linkplain ApiKeys#fingerprint
 * fingerprint}. Every instance can check it (the signing key is derived from the shared one-click secret), and it dies
 * when the key is removed or when it expires.
 */
public final class AdminSessions {

    /** The cookie holding the session. */
    public static final String COOKIE = "unsubsync_session";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ApiKeys keys;
    private final byte[] signingKey;
    private final Duration ttl;
    private final Clock clock;

    public AdminSessions(ApiKeys keys, String sharedSecret, Duration ttl, Clock clock) {
        this.keys = keys;
        this.signingKey = hmac(sharedSecret.getBytes(StandardCharsets.UTF_8), "unsubsync admin session v1".getBytes(StandardCharsets.UTF_8));
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A session opened with {@code key}: its cookie value, and the key's name; empty when the key is not valid. */
    public Optional<Opened> open(String key) {
        return keys.nameFor(key).map(name -> {
            long expires = clock.instant().plus(ttl).getEpochSecond();
            String payload = B64.encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "." + expires + "." + ApiKeys.fingerprint(key);
            return new Opened(payload + "." + B64.encodeToString(hmac(signingKey, payload.getBytes(StandardCharsets.UTF_8))), name, ttl);
        });
    }

    /** A session cookie's value, its name, and how long it lasts. */
    public record Opened(String token, String name, Duration ttl) {
    }

    /** The name of the key behind a session cookie, if the cookie is authentic, unexpired and its key still valid. */
    public Optional<String> check(String token) {
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return Optional.empty();
        }
        String payload = token.substring(0, lastDot);
        byte[] mac;
        try {
            mac = B64D.decode(token.substring(lastDot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, hmac(signingKey, payload.getBytes(StandardCharsets.UTF_8)))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\.");
        if (parts.length != 3 || Instant.ofEpochSecond(Long.parseLong(parts[1])).isBefore(clock.instant())) {
            return Optional.empty();
        }
        String name = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
        return keys.nameForFingerprint(parts[2]).filter(name::equals);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
