package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between inline retries of a locked record; tests pass one that does not wait. */
@FrameworkFree
@FunctionalInterface
public interface Pauser {
    void pause(Duration duration);

    /** Sleeps the thread. */
    Pauser SLEEP = duration -> {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientPushFailure("interrupted while waiting to retry a locked record");
        }
    };
}
