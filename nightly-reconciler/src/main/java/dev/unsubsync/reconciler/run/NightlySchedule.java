package dev.unsubsync.reconciler.run;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When the nightly sync runs: once a day at a local time in a zone (default 20:00 America/Los_Angeles), daylight saving
 * included. A local time that does not exist on a spring-forward day (02:30 when clocks jump from 02:00 to 03:00) runs
 * at the first instant after the gap; one that exists twice on a fall-back day runs once, at its first occurrence.
 */
@FrameworkFree
public record NightlySchedule(LocalTime time, ZoneId zone) {

    /** From the settings' {@code nightlyTime} (HH:mm) and {@code nightlyZone}. */
    public static NightlySchedule of(String time, String zone) {
        return new NightlySchedule(LocalTime.parse(time), ZoneId.of(zone));
    }

    /** The run due on a local date. */
    public Instant runOn(LocalDate date) {
        // atStartOfDay + time would mis-handle gaps; ZonedDateTime.of moves a time in a gap forward by the gap's length,
        // and picks the earlier offset in an overlap: exactly one run per local day.
        return ZonedDateTime.of(date, time, zone).toInstant();
    }

    /** The first run strictly after {@code now}. */
    public Instant nextAfter(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant candidate = runOn(today);
        return candidate.isAfter(now) ? candidate : runOn(today.plusDays(1));
    }

    /** The latest run due at or before {@code now}. */
    public Instant latestAtOrBefore(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant candidate = runOn(today);
        return candidate.isAfter(now) ? runOn(today.minusDays(1)) : candidate;
    }

    /**
     * Whether a run was missed: the latest due run came after the last run that started (the service was down at
     * 20:00, say). Then a run is due at start-up.
     *
     * @param lastStarted when the last run started, if any ever did
     */
    public boolean missed(Optional<Instant> lastStarted, Instant now) {
        Instant due = latestAtOrBefore(now);
        return lastStarted.map(started -> started.isBefore(due)).orElse(false);
    }
}
