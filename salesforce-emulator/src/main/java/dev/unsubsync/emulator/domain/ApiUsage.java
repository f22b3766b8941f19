package dev.unsubsync.emulator.domain;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts API requests against the daily allowance the way Salesforce does: one per REST request, whatever the number of
 * records it carries.
 */
public final class ApiUsage {

    private final long max;
    private final AtomicLong used = new AtomicLong();

    public ApiUsage(long max) {
        this.max = max;
    }

    /** Counts one request; false when the allowance is already used up (the request is then refused, not counted). */
    public boolean tryAcquire() {
        while (true) {
            long current = used.get();
            if (current >= max) {
                return false;
            }
            if (used.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Uses up the rest of the allowance, as a busy org would. */
    public void exhaust() {
        used.set(max);
    }

    /** Starts a fresh day. */
    public void reset() {
        used.set(0);
    }

    public long used() {
        return used.get();
    }

    public long max() {
        return max;
    }

    /** The {@code Sforce-Limit-Info} header value. */
    public String header() {
        return "api-usage=" + used.get() + "/" + max;
    }
}
