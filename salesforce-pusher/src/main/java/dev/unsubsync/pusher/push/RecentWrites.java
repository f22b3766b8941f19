package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unsubscribe events this instance wrote a short while ago, so the same event delivered again (a producer retry, a
 * replay after a rebalance) spends no API call. Keyed by the event, never by the record alone: if someone unchecks the
 * field in Salesforce and the person unsubscribes again, that new event must be written, however soon.
 */
@FrameworkFree
public final class RecentWrites {

    private final Duration ttl;
    private final int capacity;
    private final LinkedHashMap<String, Instant> written;

    /**
     * @param ttl      how long a write is remembered; zero disables the memory
     * @param capacity most records remembered (least recently written forgotten first)
     */
    public RecentWrites(Duration ttl, int capacity) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.written = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > RecentWrites.this.capacity;
            }
        };
    }

    /** Whether event {@code eventId} was written to {@code field} within the time remembered. */
    public synchronized boolean contains(String eventId, String field, Instant now) {
        if (ttl.isZero()) {
            return false;
        }
        Instant at = written.get(eventId + "|" + field);
        return at != null && now.isBefore(at.plus(ttl));
    }

    /** Remembers a confirmed write of an event. */
    public synchronized void add(String eventId, String field, Instant now) {
        if (!ttl.isZero()) {
            String key = eventId + "|" + field;
            written.remove(key);
            written.put(key, now);
        }
    }
}
