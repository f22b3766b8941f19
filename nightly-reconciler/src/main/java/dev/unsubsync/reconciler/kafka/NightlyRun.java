package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.reconciler.config.ReconcilerConfiguration;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * (Over 300 lines, not split here: issue 14 cuts the run into its phases, with a plain domain core testable without
 * child JVMs, as one step with the service kit; this change only moved its producer settings into {@link KafkaClients}.)
 *
 * <p>One nightly run, start to end: the Salesforce snapshot (Bulk API 2.0 query into {@code salesforce-optouts}), the diff
 * (wait until the Streams application has every record of both sides, then ask every partition to compare), and the
 * apply (count the pusher's answers to the pushes and the sales-side records the diff asked for). Each phase publishes
 * its progress on the runs topic; the counts of the report are what the diff and the pusher answered, not estimates.
 */
@Singleton
public class NightlyRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NightlyRun.class);
    private static final List<String> OBJECTS = List.of("Contact", "Lead");
    private static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

    private final SalesforceClient salesforce;
    private final SettingsView settings;
    private final KafkaClients kafka;
    private final Runs runs;
    private final Clock clock;
    private final ReconcilerConfiguration config;
    private final Admin admin;
    private final KafkaProducer<String, SpecificRecord> producer;

    /** A run that cannot go on, with the reason the report gives. */
    static final class RunFailure extends Exception {
        RunFailure(String message) {
            super(message);
        }
    }

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
        Progress progress = new Progress(started);
        String pass = started.getRunId() + "#" + started.getAttempt();
        Long apiBefore = apiUsed();
        SyncSettings current = settings.current();
        try {
            long snapshotStarted = System.nanoTime();
            progress.phase(RunPhase.SNAPSHOT, 0);
            long rows = snapshot(pass, current, progress, cancelled);
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
            try (Answers answers = new Answers(pass)) {
                for (int partition = 0; partition < Topics.RECONCILE_CONTROL.partitions(); partition++) {
                    DiffScanRequest request = DiffScanRequest.newBuilder().setRunId(pass)
                            .setSyncToEmailOptOut(current.getSyncToEmailOptOut())
                            .setMarketoSalesOptOutField(current.getSyncToMarketoSalesOptOut() ? current.getMarketoSalesOptOutField() : null)
                            .setRequestedAt(clock.instant()).build();
                    producer.send(new ProducerRecord<>(Topics.RECONCILE_CONTROL.name(), partition, pass, request));
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
                Map<String, Long> skipped = new TreeMap<>();
                putIfPositive(skipped, ReconcileTopology.NO_ID, answers.count(ReconcileTopology.NO_ID));
                putIfPositive(skipped, ReconcileTopology.NO_EMAIL, answers.count(ReconcileTopology.NO_EMAIL));
                putIfPositive(skipped, ReconcileTopology.ALREADY_BY_EMAIL, answers.count(ReconcileTopology.ALREADY_BY_EMAIL));
                Map<String, Long> failed = new TreeMap<>(answers.failures);
                putIfPositive(failed, "NO_ANSWER_FROM_PUSHER", toSalesforce - answers.pushesAnswered());
                putIfPositive(failed, "NOT_RECORDED_ON_SALES_SIDE", toSalesSide - answers.salesSideHandled());
                Long apiAfter = apiUsed();
                long apply = millisSince(applyStarted);
                boolean complete = answers.pushesAnswered() >= toSalesforce && answers.salesSideHandled() >= toSalesSide;
                ReconcileRun done = progress.report(r -> r.setApplyMillis(apply)
                        .setWrittenToSalesforce(answers.written)
                        .setRecordedOnSalesSide(answers.count(ReconcileTopology.RECORDED))
                        .setSkipped(skipped).setFailed(failed)
                        .setApiCallsUsed(apiBefore == null || apiAfter == null ? 0 : Math.max(0, apiAfter - apiBefore))
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
                return progress.run;
            }
            LOG.error("Run {} failed", pass, e);
            return progress.report(r -> r.setState(RunState.FAILED).setMessage("unexpected error: " + e).setEndedAt(clock.instant()));
        }
    }

    /** Reads every opted-out Contact and Lead with Bulk API 2.0 queries into the snapshot topic. */
    private long snapshot(String pass, SyncSettings current, Progress progress, BooleanSupplier cancelled) throws Exception {
        long[] rows = {0};
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        for (String objectType : OBJECTS) {
            String marketo = null;
            if (current.getSyncToMarketoSalesOptOut()) {
                Outcome<Describe> describe = salesforce.describe(objectType);
                if (!(describe instanceof Outcome.Ok<Describe>(Describe found))) {
                    throw new RunFailure("could not describe " + objectType + ": " + describe.describe());
                }
                // A field not installed on this object is not read; the pusher parks what needs it and says so.
                marketo = found.field(current.getMarketoSalesOptOutField()).isPresent() ? current.getMarketoSalesOptOutField() : null;
            }
            List<String> conditions = new ArrayList<>();
            if (current.getSyncToEmailOptOut()) {
                conditions.add("HasOptedOutOfEmail = true");
            }
            if (marketo != null) {
                conditions.add(marketo + " = true");
            }
            if (conditions.isEmpty()) {
                continue;
            }
            String marketoField = marketo;
            String soql = "SELECT Id, Email, HasOptedOutOfEmail" + (marketo == null ? "" : ", " + marketo) + " FROM " + objectType
                    + " WHERE " + String.join(" OR ", conditions);
            Instant seenAt = clock.instant();
            Outcome<Long> read = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                checkCancelled(cancelled);
                read = salesforce.bulkQuery(soql, config.getSnapshotPageSize(), row -> {
                    String id = normalised(row.get("Id"));
                    if (id == null) {
                        return;
                    }
                    SalesforceOptOut optOut = SalesforceOptOut.newBuilder()
                            .setSalesforceId(id).setObjectType(objectType)
                            .setEmail(blankToNull(row.get("Email")))
                            .setEmailOptOut("true".equalsIgnoreCase(row.get("HasOptedOutOfEmail")))
                            .setMarketoSalesOptOut(marketoField == null ? null : "true".equalsIgnoreCase(row.get(marketoField)))
                            .setSnapshotRunId(pass).setSeenAt(seenAt).build();
                    producer.send(new ProducerRecord<>(Topics.SALESFORCE_OPTOUTS.name(), id, optOut), (metadata, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        }
                    });
                    rows[0]++;
                    progress.processed(rows[0]);
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("no longer leading");
                    }
                });
                if (!read.retryable()) {
                    break;
                }
                LOG.warn("Run {}: Bulk query of {} failed ({}); try {} of 3", pass, objectType, read.describe(), attempt);
                Thread.sleep(Duration.ofSeconds(2L * attempt));
            }
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new RunFailure("the Salesforce snapshot of " + objectType + " failed: " + read.describe());
            }
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new RunFailure("could not write the snapshot to Kafka: " + sendFailure.get());
        }
        return rows[0];
    }

    private static String normalised(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return SalesforceId.parse(id).to18();
        } catch (InvalidSalesforceIdException e) {
            LOG.warn("Snapshot row with an unusable Id '{}' left out", id);
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
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

    private static void putIfPositive(Map<String, Long> counts, String name, long count) {
        if (count > 0) {
            counts.put(name, count);
        }
    }

    /** The run's state as it moves: published at phase changes and at most once a second in between, logged now and then. */
    private final class Progress {
        private ReconcileRun run;
        private long lastPublished;
        private long lastLogged = System.nanoTime();

        Progress(ReconcileRun run) {
            this.run = run;
        }

        void phase(RunPhase phase, long total) throws Exception {
            run = ReconcileRun.newBuilder(run).setPhase(phase).setProcessed(0).setTotal(total).build();
            runs.publish(run);
            lastPublished = System.nanoTime();
        }

        void processed(long processed) {
            run.setProcessed(processed);
            long now = System.nanoTime();
            if (now - lastLogged > config.getProgressInterval().toNanos()) {
                lastLogged = now;
                LOG.info("Run {}: {} {} of {}", run.getRunId(), run.getPhase(), processed, run.getTotal() == 0 ? "?" : run.getTotal());
            }
            if (now - lastPublished > PUBLISH_EVERY.toNanos()) {
                lastPublished = now;
                try {
                    runs.publish(ReconcileRun.newBuilder(run).build());
                } catch (Exception e) {
                    // Progress is best effort; the phase changes and the end are published for sure.
                    LOG.warn("Run {}: progress not published: {}", run.getRunId(), e.toString());
                }
            }
        }

        boolean ended() {
            return Runs.ended(run);
        }

        ReconcileRun report(java.util.function.UnaryOperator<ReconcileRun.Builder> change) throws Exception {
            run = change.apply(ReconcileRun.newBuilder(run)).build();
            return runs.publish(run);
        }
    }

    /** What the diff's tasks and the pusher answered to this pass, read from the ends the topics had before it asked. */
    private final class Answers implements AutoCloseable {
        private final String pass;
        private final KafkaConsumer<String, Object> consumer;
        private final Map<String, Long> counts = new HashMap<>();
        private final Map<String, Long> failures = new TreeMap<>();
        private final Map<String, EnumSet<PushOutcome>> pushes = new HashMap<>();
        private int partitionsDone;
        private long written;

        Answers(String pass) {
            this.pass = pass;
            Map<String, Object> config = new HashMap<>(kafka.config());
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
            // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
            config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
            values.configure(config, false);
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
            List<TopicPartition> partitions = new ArrayList<>();
            partitions.add(new TopicPartition(Topics.RECONCILE_TALLIES.name(), 0));
            for (int p = 0; p < Topics.PUSH_RESULTS.partitions(); p++) {
                partitions.add(new TopicPartition(Topics.PUSH_RESULTS.name(), p));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // Fix the starting points now, before anything is asked: seekToEnd alone is lazy.
            partitions.forEach(partition -> consumer.position(partition, Duration.ofSeconds(10)));
        }

        void poll() {
            for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() instanceof ReconcileTally tally && pass.equals(tally.getRunId())) {
                    tally.getCounts().forEach((name, count) -> counts.merge(name, count, Long::sum));
                    if (tally.getStep() == TallyStep.DIFF_PARTITION) {
                        partitionsDone++;
                    }
                } else if (record.value() instanceof OptOutPushResult result && pass.equals(runOf(record))) {
                    EnumSet<PushOutcome> seen = pushes.computeIfAbsent(result.getUnsubscribeEventId(), id -> EnumSet.noneOf(PushOutcome.class));
                    if (seen.add(result.getOutcome())) {
                        switch (result.getOutcome()) {
                            case WRITTEN -> written++;
                            case PARKED -> failures.merge("PARKED: " + String.valueOf(result.getSalesforceMessage()), 1L, Long::sum);
                            case REJECTED -> failures.merge(String.valueOf(result.getSalesforceErrorCode()), 1L, Long::sum);
                            default -> failures.merge(result.getOutcome().name(), 1L, Long::sum);
                        }
                    }
                }
            }
        }

        long count(String name) {
            return counts.getOrDefault(name, 0L);
        }

        long pushesAnswered() {
            return pushes.size();
        }

        long salesSideHandled() {
            return count(ReconcileTopology.RECORDED) + count(ReconcileTopology.ALREADY_BY_EMAIL);
        }

        private static String runOf(ConsumerRecord<String, Object> record) {
            Header header = record.headers().lastHeader(Topics.RUN_ID_HEADER);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // Closing while cancelled: the consumer is closed anyway; keep the interrupt for the caller.
                Thread.currentThread().interrupt();
            }
        }
    }

    @PreDestroy
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
