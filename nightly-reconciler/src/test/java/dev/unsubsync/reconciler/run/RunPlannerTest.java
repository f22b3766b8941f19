package dev.unsubsync.reconciler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.RunTrigger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The leader's planner asked every 30 s by a clock that moves across whole weeks, both daylight-saving changes of 2026
 * in Los Angeles included: exactly one run per local day, at 20:00 local time, the days around each change included.
 */
class RunPlannerTest {

    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private static final NightlySchedule EIGHT_PM = NightlySchedule.of("20:00", "America/Los_Angeles");

    /** Every run started while a clock moves from {@code from} to {@code to} in 30 s steps. */
    private static List<RunPlanner.Due> walk(RunPlanner planner, NightlySchedule schedule, Instant from, Instant to, Optional<Instant> lastScheduled) {
        List<RunPlanner.Due> runs = new ArrayList<>();
        Optional<Instant> last = lastScheduled;
        for (Instant now = from; now.isBefore(to); now = now.plusSeconds(30)) {
            Optional<RunPlanner.Due> due = planner.due(schedule, last, now);
            if (due.isPresent()) {
                runs.add(due.get());
                last = Optional.of(due.get().due());
            }
        }
        return runs;
    }

    private static void assertOneRunAtEightPmEachDay(List<RunPlanner.Due> runs, LocalDate firstDay, int days) {
        assertEquals(days, runs.size(), runs.toString());
        for (int i = 0; i < days; i++) {
            ZonedDateTime at = runs.get(i).due().atZone(LA);
            assertEquals(firstDay.plusDays(i), at.toLocalDate(), runs.toString());
            assertEquals(LocalTime.of(20, 0), at.toLocalTime(), runs.toString());
            assertEquals(RunTrigger.SCHEDULE, runs.get(i).trigger());
        }
    }

    @Test
    void acrossSpringForwardOneRunADayAtEightPmLocal() {
        RunPlanner planner = new RunPlanner();
        planner.startLeading();
        // 2026-03-08 02:00 PST → 03:00 PDT.
        Instant from = ZonedDateTime.of(2026, 3, 5, 12, 0, 0, 0, LA).toInstant();
        Instant to = ZonedDateTime.of(2026, 3, 12, 12, 0, 0, 0, LA).toInstant();
        List<RunPlanner.Due> runs = walk(planner, EIGHT_PM, from, to, Optional.of(ZonedDateTime.of(2026, 3, 4, 20, 0, 0, 0, LA).toInstant()));
        assertOneRunAtEightPmEachDay(runs, LocalDate.of(2026, 3, 5), 7);
        assertEquals(Duration.ofHours(23), Duration.between(runs.get(2).due(), runs.get(3).due()), "Mar 7 → Mar 8 is a 23-hour day");
    }

    @Test
    void acrossFallBackOneRunADayAtEightPmLocal() {
        RunPlanner planner = new RunPlanner();
        planner.startLeading();
        // 2026-11-01 02:00 PDT → 01:00 PST.
        Instant from = ZonedDateTime.of(2026, 10, 29, 12, 0, 0, 0, LA).toInstant();
        Instant to = ZonedDateTime.of(2026, 11, 5, 12, 0, 0, 0, LA).toInstant();
        List<RunPlanner.Due> runs = walk(planner, EIGHT_PM, from, to, Optional.of(ZonedDateTime.of(2026, 10, 28, 20, 0, 0, 0, LA).toInstant()));
        assertOneRunAtEightPmEachDay(runs, LocalDate.of(2026, 10, 29), 7);
        assertEquals(Duration.ofHours(25), Duration.between(runs.get(2).due(), runs.get(3).due()), "Oct 31 → Nov 1 is a 25-hour day");
    }

    @Test
    void aTimeInsideTheGapOrTheRepeatedHourRunsOnceOnTheChangeDays() {
        RunPlanner planner = new RunPlanner();
        planner.startLeading();
        NightlySchedule halfPastTwo = NightlySchedule.of("02:30", "America/Los_Angeles");
        List<RunPlanner.Due> spring = walk(planner, halfPastTwo, ZonedDateTime.of(2026, 3, 7, 12, 0, 0, 0, LA).toInstant(),
                ZonedDateTime.of(2026, 3, 9, 12, 0, 0, 0, LA).toInstant(), Optional.of(Instant.parse("2026-03-07T10:30:00Z")));
        assertEquals(2, spring.size(), spring.toString());
        assertEquals(LocalTime.of(3, 30), spring.get(0).due().atZone(LA).toLocalTime(), "02:30 does not exist on Mar 8: just after the gap");

        planner.startLeading();
        NightlySchedule halfPastOne = NightlySchedule.of("01:30", "America/Los_Angeles");
        List<RunPlanner.Due> fall = walk(planner, halfPastOne, ZonedDateTime.of(2026, 10, 31, 12, 0, 0, 0, LA).toInstant(),
                ZonedDateTime.of(2026, 11, 2, 12, 0, 0, 0, LA).toInstant(), Optional.of(Instant.parse("2026-10-31T08:30:00Z")));
        assertEquals(2, fall.size(), "01:30 happens twice on Nov 1 and runs once: " + fall);
    }

    @Test
    void aRunMissedWhileNoInstanceLedRunsWhenOneStartsLeadingThenTheScheduleGoesOn() {
        RunPlanner planner = new RunPlanner();
        planner.startLeading();
        Instant lastRun = ZonedDateTime.of(2026, 11, 26, 20, 0, 0, 0, LA).toInstant();
        Instant startUp = ZonedDateTime.of(2026, 11, 27, 23, 15, 0, 0, LA).toInstant(); // down at 20:00 on the 27th
        List<RunPlanner.Due> runs = walk(planner, EIGHT_PM, startUp, startUp.plus(Duration.ofDays(1)), Optional.of(lastRun));
        assertEquals(RunTrigger.MISSED, runs.getFirst().trigger());
        assertEquals(ZonedDateTime.of(2026, 11, 27, 20, 0, 0, 0, LA).toInstant(), runs.getFirst().due());
        assertEquals(RunTrigger.SCHEDULE, runs.get(1).trigger());
        assertEquals(ZonedDateTime.of(2026, 11, 28, 20, 0, 0, 0, LA).toInstant(), runs.get(1).due());
        assertEquals(2, runs.size());
    }

    @Test
    void aFirstStartRunsNothingUntilTheTimeComesAndANewTimeTakesEffectAtOnce() {
        RunPlanner planner = new RunPlanner();
        planner.startLeading();
        Instant noon = ZonedDateTime.of(2026, 11, 28, 12, 0, 0, 0, LA).toInstant();
        assertTrue(planner.due(EIGHT_PM, Optional.empty(), noon).isEmpty(), "no run ever: nothing was missed");
        NightlySchedule onePm = NightlySchedule.of("13:00", "America/Los_Angeles");
        assertTrue(planner.due(onePm, Optional.empty(), noon.plusSeconds(60)).isEmpty());
        Optional<RunPlanner.Due> due = planner.due(onePm, Optional.empty(), noon.plus(Duration.ofHours(1)));
        assertEquals(ZonedDateTime.of(2026, 11, 28, 13, 0, 0, 0, LA).toInstant(), due.orElseThrow().due(), "the admin moved the time to 13:00");
    }
}
