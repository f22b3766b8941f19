package dev.unsubsync.kit.http;

import java.time.Duration;
import java.util.Optional;

/** How much each caller may send: {@link ApiFilter} takes one request from the caller's allowance. */
public interface CallerLimits {

    /** Empty when the caller may go on; otherwise how long to wait (answered as 429 with {@code Retry-After}). */
    Optional<Duration> acquire(String caller);

    /** The setting that sets the limit, for the answer. */
    String setting();
}
