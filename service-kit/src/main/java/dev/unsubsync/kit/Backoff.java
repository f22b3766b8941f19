package dev.unsubsync.kit;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again, the one way every part of every service backs off: doubling from
 * {@code initial} with each try up to {@code max}, with jitter over the upper half so many instances retrying together
 * do not hit a broker, a registry or Salesforce in step.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < initial <= max, was " + initial + " and " + max);
        }
    }

    /** The wait before try {@code retry + 1}: {@code retry} 1 is the first retry. */
    public Duration delay(int retry) {
        long capped = Math.min(max.toMillis(), initial.toMillis() << Math.min(Math.max(retry, 1) - 1, 20));
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** Sleeps for {@link #delay}, and answers how long that was. */
    public Duration sleep(int retry) throws InterruptedException {
        Duration delay = delay(retry);
        Sleeper.THREAD.sleep(delay);
        return delay;
    }
}
