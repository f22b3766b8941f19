package dev.unsubsync.capture.support;

import dev.unsubsync.kit.http.CallerLimits;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/** Each API key is held to {@code capture.rate-limit.per-second} (burst {@code capture.rate-limit.burst}). */
@Singleton
class KeyLimits implements CallerLimits {

    private final RateLimits limits;

    KeyLimits(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public Optional<Duration> acquire(String caller) {
        return limits.acquire(caller);
    }

    @Override
    public String setting() {
        return "capture.rate-limit.per-second";
    }
}
