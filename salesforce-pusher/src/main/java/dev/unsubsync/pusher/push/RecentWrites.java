package dev.unsubsync.pusher.push;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.unsubsync.kit.FrameworkFree;
import java.time.Duration;
import java.time.Instant;

/**
 * Unsubscribe events this instance wrote a short while ago, so the same event delivered again (a producer retry, a
 * replay after a rebalance) spends no API call. Keyed by the event, never by the record alone: if someone unchecks the
 * field in Salesforce and the person unsubscribes again, that new event must be written, however soon.
 */
@FrameworkFree
public final class RecentWrites {

    private final Duration ttl;
    /** When each event was written to each field; the time is the caller's clock, so expiry is checked on read. */
    private final Cache<String, Instant> written;

    /**
     * @param ttl      how long a write is remembered; zero disables the memory
     * @param capacity most writes remembered (beyond it, the cache forgets those least likely to be asked again)
     */
    public RecentWrites(Duration ttl, int capacity) {
        this.ttl = ttl;
        this.written = Caffeine.newBuilder().maximumSize(capacity).build();
    }

    /** Whether event {@code eventId} was written to {@code field} within the time remembered. */
    public boolean contains(String eventId, String field, Instant now) {
        if (ttl.isZero()) {
            return false;
        }
        Instant at = written.getIfPresent(eventId + "|" + field);
        return at != null && now.isBefore(at.plus(ttl));
    }

    /** Remembers a confirmed write of an event. */
    public void add(String eventId, String field, Instant now) {
        if (!ttl.isZero()) {
            written.put(eventId + "|" + field, now);
        }
    }
}
