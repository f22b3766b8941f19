package dev.unsubsync.reconciler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.reconciler.diff.ReconcileTopology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The run's phases, deadlines, cancellation and report, in-JVM: its parts are fakes, no Kafka, no Salesforce. */
class RunSequenceTest {

    private static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");

    private final List<ReconcileRun> published = new ArrayList<>();

    @org.junit.jupiter.api.BeforeAll
    static void trust() {
        dev.unsubsync.schemas.EventClasses.trust();
    }

    /** Parts whose diff answers for every partition and whose pusher writes every push. */
    private static class FakeParts implements RunSequence.Parts {
        long rows = 5;
        Optional<String> behind = Optional.empty();
        boolean answerPushes = true;
        int asked;
        Long apiUsed = 100L;

        @Override
        public SyncSettings settings() {
            return SyncSettings.newBuilder().build();
        }

        @Override
        public long snapshot(String pass, SyncSettings settings, LongConsumer processed, BooleanSupplier cancelled) {
            processed.accept(rows);
            return rows;
        }

        @Override
        public Optional<String> awaitDiffInputs(BooleanSupplier cancelled) {
            return behind;
        }

        @Override
        public RunSequence.Answers answers(String pass) {
            FakeParts parts = this;
            return new RunSequence.Answers() {
                final Map<String, Long> counts = new HashMap<>();
                int partitions;
                long pushes;

                @Override
                public void poll() {
                    if (partitions < parts.asked) {
                        partitions = parts.asked;
                        counts.put(ReconcileTopology.TO_SALESFORCE, 3L);
                        counts.put(ReconcileTopology.TO_SALES_SIDE, 1L);
                        counts.put(ReconcileTopology.NO_ID, 2L);
                        counts.put(ReconcileTopology.IN_SYNC, 7L);
                    } else if (partitions > 0) {
                        pushes = parts.answerPushes ? 3 : pushes;
                        counts.put(ReconcileTopology.RECORDED, 1L);
                    }
                }

                @Override
                public int partitionsDone() {
                    return partitions;
                }

                @Override
                public long count(String name) {
                    return counts.getOrDefault(name, 0L);
                }

                @Override
                public long pushesAnswered() {
                    return pushes;
                }

                @Override
                public long salesSideHandled() {
                    return count(ReconcileTopology.RECORDED);
                }

                @Override
                public long written() {
                    return pushes;
                }

                @Override
                public Map<String, Long> failures() {
                    return Map.of();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void askDiff(String pass, SyncSettings settings, int partitions) {
            asked = partitions;
            apiUsed = 130L;
        }

        @Override
        public Long apiUsed() {
            return apiUsed;
        }
    }

    private ReconcileRun run(FakeParts parts, BooleanSupplier cancelled) throws Exception {
        ReconcileRun started = ReconcileRun.newBuilder().setRunId("run-1").setAttempt(1).setTrigger(RunTrigger.MANUAL)
                .setState(RunState.RUNNING).setPhase(RunPhase.PENDING).setRequestedAt(NOW).setStartedAt(NOW).build();
        return new RunSequence(parts, run -> {
            published.add(run);
            return run;
        }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(300), Duration.ofMinutes(1), 6).execute(started, cancelled);
    }

    @Test
    void everyPhaseInOrderAndTheReportIsWhatThePartsAnswered() throws Exception {
        ReconcileRun done = run(new FakeParts(), () -> false);
        assertEquals(RunState.SUCCEEDED, done.getState(), String.valueOf(done.getMessage()));
        assertEquals(List.of(RunPhase.SNAPSHOT, RunPhase.DIFF, RunPhase.APPLY, RunPhase.DONE),
                published.stream().map(ReconcileRun::getPhase).distinct().toList());
        assertEquals(5, done.getSalesforceOptedOut());
        assertEquals(3, done.getToSalesforce());
        assertEquals(3, done.getWrittenToSalesforce());
        assertEquals(1, done.getRecordedOnSalesSide());
        assertEquals(Map.of(ReconcileTopology.NO_ID, 2L), done.getSkipped());
        assertEquals(30, done.getApiCallsUsed());
        assertNull(done.getMessage());
    }

    @Test
    void aDiffThatDoesNotCatchUpFailsTheRunSayingWhy() throws Exception {
        FakeParts parts = new FakeParts();
        parts.behind = Optional.of("[unsubscribe-ledger]");
        ReconcileRun done = run(parts, () -> false);
        assertEquals(RunState.FAILED, done.getState());
        assertTrue(done.getMessage().contains("did not catch up with [unsubscribe-ledger]"), done.getMessage());
    }

    @Test
    void pushesNotAnsweredInTimeFailTheRunAndAreCountedAsSuch() throws Exception {
        FakeParts parts = new FakeParts();
        parts.answerPushes = false;
        ReconcileRun done = run(parts, () -> false);
        assertEquals(RunState.FAILED, done.getState());
        assertEquals(Map.of("NO_ANSWER_FROM_PUSHER", 3L), done.getFailed());
        assertTrue(done.getMessage().contains("not every change was confirmed"), done.getMessage());
    }

    @Test
    void aRunNoLongerLedIsCancelledNotFailed() {
        FakeParts parts = new FakeParts();
        parts.behind = Optional.of("[unsubscribe-events]");
        assertThrows(CancellationException.class, () -> run(parts, () -> true));
        assertTrue(published.stream().noneMatch(r -> r.getState() == RunState.FAILED), "nothing published as failed");
    }
}
