package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.reconciler.diff.ReconcileTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phases of a nightly run, in order, over its {@link Parts}: snapshot, wait for the diff's inputs, ask every
 * partition to compare, count the answers, and the report. Nothing here touches Kafka or Salesforce, so the sequence
 * (its deadlines, cancellation, failures and the report) is tested in-JVM with fakes; {@link NightlyRun} gives it the
 * real parts.
 */
final class RunSequence {

    private static final Logger LOG = LoggerFactory.getLogger(RunSequence.class);

    /** What a run needs from the world. */
    interface Parts {
        /** The settings in force. */
        SyncSettings settings();

        /** Reads Salesforce's opted-out records into the snapshot; answers the rows, each counted on {@code processed}. */
        long snapshot(String pass, SyncSettings settings, LongConsumer processed, BooleanSupplier cancelled) throws Exception;

        /** Waits until the diff holds every record of both sides; what it did not catch up with in time, if anything. */
        Optional<String> awaitDiffInputs(BooleanSupplier cancelled) throws Exception;

        /** Starts listening for this pass's answers, from now on. */
        Answers answers(String pass);

        /** Asks each of the diff's {@code partitions} to compare; fails the run if a request is not durable. */
        void askDiff(String pass, SyncSettings settings, int partitions) throws RunFailure, InterruptedException;

        /** API calls used today, if Salesforce says. */
        Long apiUsed();
    }

    /** What the diff's tasks and the pusher answered to a pass. */
    interface Answers extends AutoCloseable {
        void poll();

        int partitionsDone();

        long count(String name);

        long pushesAnswered();

        long salesSideHandled();

        long written();

        Map<String, Long> failures();

        @Override
        void close();
    }

    private final Parts parts;
    private final RunProgress.Publisher publisher;
    private final Clock clock;
    private final Duration phaseTimeout;
    private final Duration progressInterval;
    private final int partitions;

    RunSequence(Parts parts, RunProgress.Publisher publisher, Clock clock, Duration phaseTimeout, Duration progressInterval, int partitions) {
        this.parts = parts;
        this.publisher = publisher;
        this.clock = clock;
        this.phaseTimeout = phaseTimeout;
        this.progressInterval = progressInterval;
        this.partitions = partitions;
    }

    /**
     * Runs every phase and answers the run's final state (SUCCEEDED or FAILED, with the report).
     *
     * @throws CancellationException when {@code cancelled} turned true: this instance stopped leading, the run stays
     *                               RUNNING on the topic and the next leader restarts it
     * @throws Exception                when even the failure could not be published: the run stays RUNNING on the topic
     *                                  and is restarted
     */
    ReconcileRun execute(ReconcileRun started, BooleanSupplier cancelled) throws Exception {
        RunProgress progress = new RunProgress(started, publisher, progressInterval);
        String pass = started.getRunId() + "#" + started.getAttempt();
        Long apiBefore = parts.apiUsed();
        SyncSettings current = parts.settings();
        try {
            long snapshotStarted = System.nanoTime();
            progress.phase(RunPhase.SNAPSHOT, 0);
            long rows = parts.snapshot(pass, current, progress::processed, cancelled);
            progress.report(r -> r.setSalesforceOptedOut(rows).setSnapshotMillis(millisSince(snapshotStarted)));
            LOG.info("Run {}: snapshot of {} opted-out Salesforce records in {} ms", pass, rows, millisSince(snapshotStarted));

            long diffStarted = System.nanoTime();
            progress.phase(RunPhase.DIFF, partitions);
            Optional<String> behind = parts.awaitDiffInputs(cancelled);
            if (behind.isPresent()) {
                checkCancelled(cancelled);
                throw new RunFailure("the diff did not catch up with " + behind.get() + " within " + phaseTimeout
                        + " (is Kafka Streams running? see GET /health)");
            }
            long caughtUp = millisSince(diffStarted);
            try (Answers answers = parts.answers(pass)) {
                parts.askDiff(pass, current, partitions);
                long deadline = System.nanoTime() + phaseTimeout.toNanos();
                while (answers.partitionsDone() < partitions) {
                    checkCancelled(cancelled);
                    if (System.nanoTime() > deadline) {
                        throw new RunFailure("the diff answered for " + answers.partitionsDone() + " of " + partitions
                                + " partitions within " + phaseTimeout);
                    }
                    answers.poll();
                    progress.processed(answers.partitionsDone());
                }
                long toSalesforce = answers.count(ReconcileTopology.TO_SALESFORCE);
                long toSalesSide = answers.count(ReconcileTopology.TO_SALES_SIDE);
                progress.report(r -> r.setDiffMillis(millisSince(diffStarted))
                        .setSalesSideUnsubscribes(answers.count(ReconcileTopology.SALES_ENTRIES))
                        .setInSync(answers.count(ReconcileTopology.IN_SYNC))
                        .setToSalesforce(toSalesforce).setToSalesSide(toSalesSide));
                LOG.info("Run {}: diff in {} ms ({} ms until the Streams application held both sides, then the comparison): {} to Salesforce, "
                        + "{} to the sales side, {} in sync", pass, millisSince(diffStarted), caughtUp, toSalesforce, toSalesSide,
                        answers.count(ReconcileTopology.IN_SYNC));

                long applyStarted = System.nanoTime();
                progress.phase(RunPhase.APPLY, toSalesforce + toSalesSide);
                deadline = System.nanoTime() + phaseTimeout.toNanos();
                while (answers.pushesAnswered() < toSalesforce || answers.salesSideHandled() < toSalesSide) {
                    checkCancelled(cancelled);
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    answers.poll();
                    progress.processed(answers.pushesAnswered() + answers.salesSideHandled());
                }
                Map<String, Long> skippedCounts = new LinkedHashMap<>();
                for (String reason : List.of(ReconcileTopology.NO_ID, ReconcileTopology.NO_EMAIL, ReconcileTopology.ALREADY_BY_EMAIL)) {
                    skippedCounts.put(reason, answers.count(reason));
                }
                RunOutcome outcome = RunOutcome.of(skippedCounts, toSalesforce, answers.pushesAnswered(), toSalesSide, answers.salesSideHandled(),
                        answers.failures());
                Map<String, Long> skipped = outcome.skipped();
                Map<String, Long> failed = outcome.failed();
                Long apiAfter = parts.apiUsed();
                long apply = millisSince(applyStarted);
                boolean complete = outcome.complete();
                ReconcileRun done = progress.report(r -> r.setApplyMillis(apply)
                        .setWrittenToSalesforce(answers.written())
                        .setRecordedOnSalesSide(answers.count(ReconcileTopology.RECORDED))
                        .setSkipped(skipped).setFailed(failed)
                        .setApiCallsUsed(RunOutcome.apiCallsUsed(apiBefore, apiAfter))
                        .setState(complete ? RunState.SUCCEEDED : RunState.FAILED)
                        .setMessage(complete
                                ? null
                                : "not every change was confirmed within " + phaseTimeout
                                        + " (is salesforce-pusher running? see failed)")
                        .setPhase(RunPhase.DONE).setEndedAt(clock.instant()));
                LOG.info("Run {} ended {}: {} written to Salesforce, {} recorded on the sales side, skipped {}, failed {}", pass, done.getState(),
                        done.getWrittenToSalesforce(), done.getRecordedOnSalesSide(), skipped, failed);
                return done;
            }
        } catch (RunFailure e) {
            LOG.error("Run {} failed: {}", pass, e.getMessage());
            return progress.report(r -> r.setState(RunState.FAILED).setMessage(e.getMessage()).setEndedAt(clock.instant()));
        } catch (CancellationException | InterruptedException e) {
            throw e;
        } catch (InterruptException e) {
            // A Kafka client interrupted by the cancellation: the same as a cancellation.
            throw new CancellationException("no longer leading: " + e.getMessage());
        } catch (Exception e) {
            if (progress.ended()) {
                // Failed after the end was published (closing a client, say): the report stands.
                LOG.warn("Run {}: error after its end: {}", pass, e.toString());
                return progress.run();
            }
            LOG.error("Run {} failed", pass, e);
            return progress.report(r -> r.setState(RunState.FAILED).setMessage("unexpected error: " + e).setEndedAt(clock.instant()));
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("no longer leading");
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
