package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;
import java.util.Optional;

/**
 * When the leading instance starts a nightly run, asked again and again (every half second) with the clock's time:
 * once when the nightly time comes, once at start-up for a run missed while no instance led, and again from the new
 * time when the admin moves it. Not thread-safe: one leader thread asks.
 */
@FrameworkFree
public final class RunPlanner {

    /** A run to start now: what triggered it, and the instant it was due. */
    public record Due(RunTrigger trigger, Instant due) {
    }

    private NightlySchedule schedule;
    private Instant nextDue;

    /** This instance (again) leads: the next question may find a missed run. */
    public void startLeading() {
        nextDue = null;
        schedule = null;
    }

    /** When the next scheduled run is due, once known. */
    public Optional<Instant> nextDue() {
        return Optional.ofNullable(nextDue);
    }

    /**
     * @param wanted        the schedule in the settings now
     * @param lastScheduled when the last scheduled (or missed-and-caught-up) run was due, if any ever was
     * @param now           the clock's time
     * @return the run to start now, if one is due
     */
    public Optional<Due> due(NightlySchedule wanted, Optional<Instant> lastScheduled, Instant now) {
        if (nextDue == null || !wanted.equals(schedule)) {
            boolean justLeading = nextDue == null;
            schedule = wanted;
            nextDue = wanted.nextAfter(now);
            if (justLeading && wanted.missed(lastScheduled, now)) {
                return Optional.of(new Due(RunTrigger.MISSED, wanted.latestAtOrBefore(now)));
            }
        }
        if (!now.isBefore(nextDue)) {
            Instant due = nextDue;
            nextDue = wanted.nextAfter(now);
            return Optional.of(new Due(RunTrigger.SCHEDULE, due));
        }
        return Optional.empty();
    }
}
