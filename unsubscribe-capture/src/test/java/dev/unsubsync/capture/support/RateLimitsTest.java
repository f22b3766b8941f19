package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RateLimits limits = new RateLimits(10, 3, nanos::get);

    @Test
    void aKeyGetsItsBurstThenItsRateAndOtherKeysAreUntouched() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limits.acquire("crm"), "burst of 3");
        }
        Optional<Duration> wait = limits.acquire("crm");
        assertTrue(wait.isPresent() && wait.get().toMillis() == 100, "one token every 100 ms at 10/s: " + wait);
        assertEquals(Optional.empty(), limits.acquire("mailer"), "another key has its own allowance");

        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        assertEquals(Optional.empty(), limits.acquire("crm"));
        assertTrue(limits.acquire("crm").isPresent());
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimits none = new RateLimits(0, 0, nanos::get);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Optional.empty(), none.acquire("crm"));
        }
    }
}
