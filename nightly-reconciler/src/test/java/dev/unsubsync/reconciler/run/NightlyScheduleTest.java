package dev.unsubsync.reconciler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The nightly run, moved across both daylight-saving transitions of America/Los_Angeles by an injected instant. */
class NightlyScheduleTest {

    private final NightlySchedule eightPmPacific = NightlySchedule.of("20:00", "America/Los_Angeles");

    @Test
    void runsAtEightPmPacificStandardTimeInWinter() {
        assertEquals(Instant.parse("2026-01-16T04:00:00Z"), eightPmPacific.nextAfter(Instant.parse("2026-01-15T12:00:00Z")));
    }

    @Test
    void runsAtEightPmPacificDaylightTimeInSummer() {
        assertEquals(Instant.parse("2026-07-16T03:00:00Z"), eightPmPacific.nextAfter(Instant.parse("2026-07-15T12:00:00Z")));
    }

    @Test
    void springForwardDayHasItsRunAtEightPmLocalTwentyThreeHoursAfterTheDayBefore() {
        // 2026-03-08: clocks go from 02:00 PST to 03:00 PDT.
        Instant saturday = eightPmPacific.runOn(LocalDate.parse("2026-03-07"));
        Instant sunday = eightPmPacific.runOn(LocalDate.parse("2026-03-08"));
        assertEquals(Instant.parse("2026-03-08T04:00:00Z"), saturday);
        assertEquals(Instant.parse("2026-03-09T03:00:00Z"), sunday);
        assertEquals(Duration.ofHours(23), Duration.between(saturday, sunday));
        assertEquals(sunday, eightPmPacific.nextAfter(saturday));
    }

    @Test
    void fallBackDayHasItsRunAtEightPmLocalTwentyFiveHoursAfterTheDayBefore() {
        // 2026-11-01: clocks go from 02:00 PDT back to 01:00 PST.
        Instant saturday = eightPmPacific.runOn(LocalDate.parse("2026-10-31"));
        Instant sunday = eightPmPacific.runOn(LocalDate.parse("2026-11-01"));
        assertEquals(Duration.ofHours(25), Duration.between(saturday, sunday));
        assertEquals(Instant.parse("2026-11-02T04:00:00Z"), sunday);
    }

    @Test
    void aTimeInsideTheSpringForwardGapRunsOnceJustAfterIt() {
        NightlySchedule twoThirty = NightlySchedule.of("02:30", "America/Los_Angeles");
        // 02:30 does not exist on 2026-03-08: the run is at 03:30 PDT, i.e. 10:30Z, once.
        assertEquals(Instant.parse("2026-03-08T10:30:00Z"), twoThirty.runOn(LocalDate.parse("2026-03-08")));
        assertEquals(Instant.parse("2026-03-08T10:30:00Z"), twoThirty.nextAfter(Instant.parse("2026-03-08T08:00:00Z")));
    }

    @Test
    void aTimeThatHappensTwiceOnTheFallBackDayRunsOnceAtItsFirstOccurrence() {
        NightlySchedule oneThirty = NightlySchedule.of("01:30", "America/Los_Angeles");
        Instant first = Instant.parse("2026-11-01T08:30:00Z");
        assertEquals(first, oneThirty.runOn(LocalDate.parse("2026-11-01")));
        // One hour later the wall clock shows 01:30 again: no second run that day.
        assertEquals(Instant.parse("2026-11-02T09:30:00Z"), oneThirty.nextAfter(first.plus(Duration.ofMinutes(30))));
    }

    @Test
    void aRunMissedWhileTheServiceWasDownIsDueAtStartUp() {
        Instant lastStarted = Instant.parse("2026-11-26T04:00:00Z");
        assertTrue(eightPmPacific.missed(Optional.of(lastStarted), Instant.parse("2026-11-27T06:00:00Z")));
        assertFalse(eightPmPacific.missed(Optional.of(Instant.parse("2026-11-27T04:00:01Z")), Instant.parse("2026-11-27T06:00:00Z")));
        assertFalse(eightPmPacific.missed(Optional.empty(), Instant.parse("2026-11-27T06:00:00Z")), "a first start runs on schedule, not at once");
    }

    @Test
    void otherZonesAndTimesFollowTheSettings() {
        NightlySchedule paris = NightlySchedule.of("21:15", "Europe/Paris");
        assertEquals(Instant.parse("2026-11-28T20:15:00Z"), paris.nextAfter(Instant.parse("2026-11-28T12:00:00Z")));
    }
}
