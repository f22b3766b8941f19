package dev.unsubsync.reconciler.run;

import dev.unsubsync.kit.FrameworkFree;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a run ended, from what its parts answered: the diff's counts, the pusher's answers to the pushes, what the sales
 * side recorded. Pure: the report's numbers in, the verdict and its breakdowns out.
 *
 * @param skipped  what the diff could not act on, by reason (no ID, no email, already unsubscribed by email)
 * @param failed   what did not happen, by reason: Salesforce's refusals and parkings, and what was never answered
 * @param complete whether every change was confirmed
 */
@FrameworkFree
public record RunOutcome(Map<String, Long> skipped, Map<String, Long> failed, boolean complete) {

    /**
     * @param skippedCounts    the diff's counts of what it could not act on, by reason (zeros left out)
     * @param toSalesforce     pushes the diff asked for
     * @param pushesAnswered   pushes the pusher answered
     * @param toSalesSide      sales-side records the diff asked for
     * @param salesSideHandled sales-side records recorded (or found already there)
     * @param pusherFailures   the pusher's answers that were not WRITTEN, by reason
     */
    public static RunOutcome of(Map<String, Long> skippedCounts, long toSalesforce, long pushesAnswered, long toSalesSide, long salesSideHandled,
            Map<String, Long> pusherFailures) {
        Map<String, Long> skipped = new TreeMap<>();
        skippedCounts.forEach((reason, count) -> putIfPositive(skipped, reason, count));
        Map<String, Long> failed = new TreeMap<>(pusherFailures);
        putIfPositive(failed, "NO_ANSWER_FROM_PUSHER", toSalesforce - pushesAnswered);
        putIfPositive(failed, "NOT_RECORDED_ON_SALES_SIDE", toSalesSide - salesSideHandled);
        return new RunOutcome(skipped, failed, pushesAnswered >= toSalesforce && salesSideHandled >= toSalesSide);
    }

    /** API calls a run used, from the allowance used before and after it (unknown: 0). */
    public static long apiCallsUsed(Long usedBefore, Long usedAfter) {
        return usedBefore == null || usedAfter == null ? 0 : Math.max(0, usedAfter - usedBefore);
    }

    private static void putIfPositive(Map<String, Long> counts, String name, long count) {
        if (count > 0) {
            counts.put(name, count);
        }
    }
}
