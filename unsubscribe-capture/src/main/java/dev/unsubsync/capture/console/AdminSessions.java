package dev.unsubsync.capture.console;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.support.Hmac;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.kit.security.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Browser sessions of the admin console. An admin logs in with an API key holding the {@code admin} scope (the same
 * keys as the API); the session is a signed, expiring token in an HttpOnly cookie naming the key's name, its
 * {@linkplain ApiKeys#fingerprint fingerprint} and a random session id. Every instance can check it (the signing key is
 * derived from the shared one-click secret); it dies when it expires, when its key is removed, and when it is logged
 * out — on every instance, since logging out is recorded in {@link EndedSessions}, which every instance follows.
 */
@FrameworkFree
public final class AdminSessions {

    /** The cookie holding the session. */
    public static final String COOKIE = "unsubsync_session";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ApiKeys keys;
    private final byte[] signingKey;
    private final Duration ttl;
    private final Clock clock;
    private final EndedSessions ended;
    private final SecureRandom random = new SecureRandom();

    public AdminSessions(ApiKeys keys, String sharedSecret, Duration ttl, Clock clock, EndedSessions ended) {
        this.keys = keys;
        this.signingKey = Hmac.derive(sharedSecret, "unsubsync admin session v2");
        this.ttl = ttl;
        this.clock = clock;
        this.ended = ended;
    }

    /** What a login attempt gives: a session, or why not (in words safe to answer). */
    public sealed interface Login {
        /** A session cookie's value, its key's name, and how long it lasts. */
        record Opened(String token, String name, Duration ttl) implements Login {
        }

        /** No such key. */
        record Unknown() implements Login {
        }

        /** A key without the {@code admin} scope the console needs. */
        record NotAdmin(String detail) implements Login {
        }
    }

    /** A live session: its id and the caller it speaks for (the key's name and current scopes). */
    public record Session(String id, ApiKeys.Authentication.Caller caller, Instant expires) {
    }

    /** Opens a session with {@code key}, if it is a key with the {@code admin} scope. */
    public Login open(String key) {
        Optional<ApiKeys.Authentication.Caller> caller = keys.callerFor(key);
        if (caller.isEmpty()) {
            return new Login.Unknown();
        }
        if (!caller.get().may(Scope.ADMIN)) {
            return new Login.NotAdmin(caller.get().lacks(Scope.ADMIN) + ": the console is for admin keys");
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String payload = B64.encodeToString(caller.get().name().getBytes(StandardCharsets.UTF_8)) + "." + expires + "."
                + ApiKeys.fingerprint(key) + "." + B64.encodeToString(id);
        return new Login.Opened(payload + "." + B64.encodeToString(Hmac.sha256(signingKey, payload.getBytes(StandardCharsets.UTF_8))), caller.get().name(),
                ttl);
    }

    /** The session behind a cookie, if the cookie is authentic, unexpired, not logged out, and its key still valid. */
    public Optional<Session> check(String token) {
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
        if (!MessageDigest.isEqual(mac, Hmac.sha256(signingKey, payload.getBytes(StandardCharsets.UTF_8)))) {
            return Optional.empty();
        }
        // Authentic from here on: the parts are as this code wrote them.
        String[] parts = payload.split("\\.");
        if (parts.length != 4) {
            return Optional.empty();
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[1]));
        if (expires.isBefore(clock.instant()) || ended.ended(parts[3])) {
            return Optional.empty();
        }
        String name = new String(B64D.decode(parts[0]), StandardCharsets.UTF_8);
        return keys.callerForFingerprint(parts[2]).filter(caller -> caller.name().equals(name))
                .map(caller -> new Session(parts[3], caller, expires));
    }

    /**
     * Logs a session out everywhere: recorded durably before this returns, so no instance accepts it afterwards.
     *
     * @throws EventNotDurableException when the record could not be made durable (the session then stays valid)
     */
    public void end(Session session) {
        ended.end(session.id(), session.caller().name(), session.expires());
    }
}
