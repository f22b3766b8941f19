package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Duration;

/**
 * Spends Salesforce's daily API allowance with care: below a share of it, no pause; above, a pause before each batch
 * that grows linearly to a maximum as usage nears the limit. At the limit itself Salesforce answers
 * {@code REQUEST_LIMIT_EXCEEDED} and the batch is retried with backoff until the rolling allowance returns.
 */
@FrameworkFree
public final class AllowanceGovernor {

    private final double slowdownShare;
    private final Duration maxPause;

    /**
     * @param slowdownShare share of the daily allowance (0..1) above which batches are spaced out
     * @param maxPause      pause before a batch when usage reaches the allowance
     */
    public AllowanceGovernor(double slowdownShare, Duration maxPause) {
        if (slowdownShare <= 0 || slowdownShare >= 1) {
            throw new IllegalArgumentException("slowdownShare must be between 0 and 1 (exclusive), was " + slowdownShare);
        }
        this.slowdownShare = slowdownShare;
        this.maxPause = maxPause;
    }

    /** How long to wait before the next batch, given the last usage Salesforce reported. */
    public Duration pauseBefore(long used, long max) {
        if (max <= 0 || used < 0) {
            return Duration.ZERO;
        }
        double share = (double) used / max;
        if (share < slowdownShare) {
            return Duration.ZERO;
        }
        double over = Math.min(1, (share - slowdownShare) / (1 - slowdownShare));
        return Duration.ofMillis(Math.round(maxPause.toMillis() * over));
    }
}
