package dev.unsubsync.capture.support;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Request rate limits per API key: a token bucket per key name, refilled at {@code perSecond} up to {@code burst}. One
 * instance's view: with N capture instances behind a balancer a key gets up to N times the rate, which the limit is
 * meant to bound (a runaway sender), not to meter.
 */
@FrameworkFree
public final class RateLimits {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        private double tokens;
        private long refilledAtNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAtNanos = now;
        }
    }

    /**
     * @param perSecond sustained requests per second per key (0 or less: no limit)
     * @param burst     requests a key may make at once after being idle
     * @param nanoTime  a monotonic clock ({@code System::nanoTime})
     */
    public RateLimits(double perSecond, double burst, LongSupplier nanoTime) {
        this(perSecond, burst, nanoTime, Integer.MAX_VALUE);
    }

    /**
     * @param maxKeys most keys followed at once (for keys a stranger chooses, like a client address): beyond it, keys
     *                whose bucket has refilled are forgotten — they would start full anyway
     */
    public RateLimits(double perSecond, double burst, LongSupplier nanoTime, int maxKeys) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.nanoTime = nanoTime;
        this.maxKeys = maxKeys;
    }

    private final int maxKeys;

    private void forgetRefilled(long now) {
        buckets.entrySet().removeIf(entry -> {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                return bucket.tokens + Math.max(0, now - bucket.refilledAtNanos) / 1e9 * perSecond >= burst;
            }
        });
    }

    /** How long until {@code key} has a request left, without taking one; empty when it has one now. */
    public Optional<Duration> peek(String key) {
        if (perSecond <= 0) {
            return Optional.empty();
        }
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        synchronized (bucket) {
            double tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.refilledAtNanos) / 1e9 * perSecond);
            return tokens >= 1
                    ? Optional.empty()
                    : Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9)));
        }
    }

    /** Takes one request from {@code key}'s allowance; empty when allowed, else how long until one is. */
    public Optional<Duration> acquire(String key) {
        if (perSecond <= 0) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
            forgetRefilled(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            double elapsed = Math.max(0, now - bucket.refilledAtNanos) / 1e9;
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
            bucket.refilledAtNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perSecond * 1e9)));
        }
    }
}
