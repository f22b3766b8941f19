package dev.unsubsync.emulator.domain;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Access tokens handed out by the OAuth endpoint, each valid for a fixed time. */
public final class Tokens {

    /** The emulated org's 15-character ID, which Salesforce access tokens start with. */
    public static final String ORG_ID = "00DDn0000000001";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Duration ttl;

    public Tokens(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A new token, shaped like Salesforce's: the org ID, '!', and an opaque part. */
    public String issue() {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String token = ORG_ID + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(token, clock.instant().plus(ttl));
        return token;
    }

    /** Whether the token was issued here and has not expired. */
    public boolean isValid(String token) {
        Instant expiry = expiries.get(token);
        if (expiry == null) {
            return false;
        }
        if (!clock.instant().isBefore(expiry)) {
            expiries.remove(token);
            return false;
        }
        return true;
    }

    /** Changes how long tokens issued from now on stay valid (zero: they are born expired). */
    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    /** Ends every session, as an admin revoking access would (used to test re-authentication). */
    public void revokeAll() {
        expiries.clear();
    }
}
