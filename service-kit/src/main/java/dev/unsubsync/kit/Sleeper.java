package dev.unsubsync.kit;

import java.time.Duration;

/**
 * The one way a service waits (with {@link java.time.Clock} for the time itself): injected, so a test runs retries and
 * polls without waiting, and records how long the code would have waited.
 */
@FrameworkFree
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code duration}; an interrupt ends the wait early with {@link InterruptedException}. */
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps the calling thread. */
    Sleeper THREAD = Thread::sleep;
}
