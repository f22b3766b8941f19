package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.reconciler.config.ReconcilerConfiguration;
import dev.unsubsync.reconciler.domain.RunFailure;
import dev.unsubsync.reconciler.domain.RunOutcome;
import dev.unsubsync.reconciler.salesforce.SalesforceSnapshot;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One nightly run, start to end, as a sequence of phases: the Salesforce snapshot ({@link SalesforceSnapshot}: Bulk API
 * 2.0 queries into {@code salesforce-optouts}), the diff
 * (wait until the Streams application has every record of both sides, then ask every partition to compare), and the
 * apply (count the pusher's answers to the pushes and the sales-side records the diff asked for). Each phase publishes
 * its progress on the runs topic ({@link RunProgress}); the counts of the report are what the diff and the pusher answered
 * ({@link RunAnswers}), not estimates, and the verdict is {@link RunOutcome}'s.
 */
@Singleton
public class NightlyRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);

    private final SalesforceClient salesforce;
    private final SettingsView settings;
    private final KafkaClients kafka;
    private final Runs runs;
    private final Clock clock;
    private final ReconcilerConfiguration config;
    private final Admin admin;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final SalesforceSnapshot snapshot;

    public NightlyRun(SalesforceClient salesforce, SettingsView settings, KafkaClients kafka, Runs runs, Clock clock, ReconcilerConfiguration config) {
        this.salesforce = salesforce;
        this.settings = settings;
        this.kafka = kafka;
        this.runs = runs;
        this.clock = clock;
        this.config = config;
        Map<String, Object> adminConfig = new HashMap<>(kafka.config());
        adminConfig.put("request.timeout.ms", 10_000);
        adminConfig.put("default.api.timeout.ms", 15_000);
        this.admin = Admin.create(adminConfig);
        this.producer = kafka.bulkProducer();
        this.snapshot = new SalesforceSnapshot(salesforce, producer, clock, duration -> Thread.sleep(duration.toMillis()), config.getSnapshotPageSize());
    }

    /**
     * Runs every phase and answers the run's final state (SUCCEEDED or FAILED, with the report).
     *
     * @throws CancellationException when {@code cancelled} turned true: this instance stopped leading, the run stays
     *                               RUNNING on the topic and the next leader restarts it
     * @throws Exception                when even the failure could not be published: the run stays RUNNING on the topic
     *                                  and is restarted
     */
    public ReconcileRun execute(ReconcileRun started, BooleanSupplier cancelled) throws Exception {
        RunProgress progress = new RunProgress(started, runs, config.getProgressInterval());
        String pass = started.getRunId() + "#" + started.getAttempt();
        Long apiBefore = apiUsed();
        SyncSettings current = settings.current();
        try {
            long snapshotStarted = System.nanoTime();
            progress.phase(RunPhase.SNAPSHOT, 0);
            long rows = snapshot.read(pass, current, progress::processed, cancelled);
            progress.report(r -> r.setSalesforceOptedOut(rows).setSnapshotMillis(millisSince(snapshotStarted)));
            LOG.info("Run {}: snapshot of {} opted-out Salesforce records in {} ms", pass, rows, millisSince(snapshotStarted));

            long diffStarted = System.nanoTime();
            progress.phase(RunPhase.DIFF, Topics.RECONCILE_CONTROL.partitions());
            StreamsBarrier barrier = new StreamsBarrier(admin, kafka.config());
            for (List<String> topics : List.of(List.of(Topics.UNSUBSCRIBE_EVENTS.name()), List.of(Topics.UNSUBSCRIBE_LEDGER.name()),
                    List.of(Topics.RECONCILE_SALES.name(), Topics.SALESFORCE_OPTOUTS.name()))) {
                if (!barrier.await(ReconcileStreams.APPLICATION_ID, topics, config.getPhaseTimeout(), cancelled)) {
                    checkCancelled(cancelled);
                    throw new RunFailure("the diff did not catch up with " + topics + " within " + config.getPhaseTimeout()
                            + " (is Kafka Streams running? see GET /health)");
                }
            }
            long caughtUp = millisSince(diffStarted);
            try (RunAnswers answers = new RunAnswers(pass, kafka)) {
                for (int partition = 0; partition < Topics.RECONCILE_CONTROL.partitions(); partition++) {
                    DiffScanRequest request = DiffScanRequest.newBuilder().setRunId(pass)
                            .setSyncToEmailOptOut(current.getSyncToEmailOptOut())
                            .setMarketoSalesOptOutField(current.getSyncToMarketoSalesOptOut() ? current.getMarketoSalesOptOutField() : null)
                            .setRequestedAt(clock.instant()).build();
                    producer.send(TopicRecords.of(Topics.RECONCILE_CONTROL, partition, pass, request, List.of()));
                }
                producer.flush();
                long deadline = System.nanoTime() + config.getPhaseTimeout().toNanos();
                while (answers.partitionsDone < Topics.RECONCILE_CONTROL.partitions()) {
                    checkCancelled(cancelled);
                    if (System.nanoTime() > deadline) {
                        throw new RunFailure("the diff answered for " + answers.partitionsDone + " of " + Topics.RECONCILE_CONTROL.partitions()
                                + " partitions within " + config.getPhaseTimeout());
                    }
                    answers.poll();
                    progress.processed(answers.partitionsDone);
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
                deadline = System.nanoTime() + config.getPhaseTimeout().toNanos();
                while (answers.pushesAnswered() < toSalesforce || answers.salesSideHandled() < toSalesSide) {
                    checkCancelled(cancelled);
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    answers.poll();
                    progress.processed(answers.pushesAnswered() + answers.salesSideHandled());
                }
                Map<String, Long> skippedCounts = new java.util.LinkedHashMap<>();
                for (String reason : List.of(ReconcileTopology.NO_ID, ReconcileTopology.NO_EMAIL, ReconcileTopology.ALREADY_BY_EMAIL)) {
                    skippedCounts.put(reason, answers.count(reason));
                }
                RunOutcome outcome = RunOutcome.of(skippedCounts, toSalesforce, answers.pushesAnswered(), toSalesSide, answers.salesSideHandled(),
                        answers.failures);
                Map<String, Long> skipped = outcome.skipped();
                Map<String, Long> failed = outcome.failed();
                Long apiAfter = apiUsed();
                long apply = millisSince(applyStarted);
                boolean complete = outcome.complete();
                ReconcileRun done = progress.report(r -> r.setApplyMillis(apply)
                        .setWrittenToSalesforce(answers.written)
                        .setRecordedOnSalesSide(answers.count(ReconcileTopology.RECORDED))
                        .setSkipped(skipped).setFailed(failed)
                        .setApiCallsUsed(RunOutcome.apiCallsUsed(apiBefore, apiAfter))
                        .setState(complete ? RunState.SUCCEEDED : RunState.FAILED)
                        .setMessage(complete ? null : "not every change was confirmed within " + config.getPhaseTimeout()
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
        } catch (org.apache.kafka.common.errors.InterruptException e) {
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

    private Long apiUsed() {
        Outcome<SalesforceClient.Limits> limits = salesforce.limits();
        if (limits instanceof Outcome.Ok<SalesforceClient.Limits>(SalesforceClient.Limits value)) {
            return value.dailyApiRequestsMax() - value.dailyApiRequestsRemaining();
        }
        return null;
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("no longer leading");
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @PreDestroy
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
