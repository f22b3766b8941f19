package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.Sleeper;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.reconciler.diff.ReconcileStreams;
import dev.unsubsync.reconciler.support.ReconcilerConfiguration;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One nightly run, start to end, as a sequence of phases: the Salesforce snapshot ({@link SalesforceSnapshot}: Bulk API
 * 2.0 queries into {@code salesforce-optouts}), the diff
 * (wait until the Streams application has every record of both sides, then ask every partition to compare), and the
 * apply (count the pusher's answers to the pushes and the sales-side records the diff asked for). Each phase publishes
 * its progress on the runs topic ({@link RunProgress}); the counts of the report are what the diff and the pusher answered
 * ({@link RunAnswers}), not estimates, and the verdict is {@link dev.unsubsync.reconciler.run.RunOutcome}'s.
 */
@Singleton
public class NightlyRun implements AutoCloseable {

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
        Map<String, Object> adminConfig = new HashMap<>(kafka.adminConfig());
        adminConfig.put("request.timeout.ms", 10_000);
        adminConfig.put("default.api.timeout.ms", 15_000);
        this.admin = Admin.create(adminConfig);
        this.producer = kafka.bulkProducer();
        this.snapshot = new SalesforceSnapshot(salesforce, producer, clock, Sleeper.THREAD, config.getSnapshotPageSize());
    }

    /**
     * Runs every phase ({@link RunSequence}) and answers the run's final state (SUCCEEDED or FAILED, with the report).
     *
     * @throws CancellationException when {@code cancelled} turned true: this instance stopped leading, the run stays
     *                               RUNNING on the topic and the next leader restarts it
     * @throws Exception                when even the failure could not be published: the run stays RUNNING on the topic
     *                                  and is restarted
     */
    public ReconcileRun execute(ReconcileRun started, BooleanSupplier cancelled) throws Exception {
        return new RunSequence(parts(), runs::publish, clock, config.getPhaseTimeout(), config.getProgressInterval(),
                Topics.RECONCILE_CONTROL.partitions()).execute(started, cancelled);
    }

    /** The run's parts on Kafka and Salesforce. */
    private RunSequence.Parts parts() {
        return new RunSequence.Parts() {
            @Override
            public SyncSettings settings() {
                return settings.current();
            }

            @Override
            public long snapshot(String pass, SyncSettings current, LongConsumer processed, BooleanSupplier cancelled) throws Exception {
                return snapshot.read(pass, current, processed, cancelled);
            }

            @Override
            public Optional<String> awaitDiffInputs(BooleanSupplier cancelled) throws Exception {
                StreamsBarrier barrier = new StreamsBarrier(admin, kafka.config());
                for (List<String> topics : List.of(List.of(Topics.UNSUBSCRIBE_EVENTS.name()), List.of(Topics.UNSUBSCRIBE_LEDGER.name()),
                        List.of(Topics.RECONCILE_SALES.name(), Topics.SALESFORCE_OPTOUTS.name()))) {
                    if (!barrier.await(ReconcileStreams.APPLICATION_ID, topics, config.getPhaseTimeout(), cancelled)) {
                        return Optional.of(topics.toString());
                    }
                }
                return Optional.empty();
            }

            @Override
            public RunSequence.Answers answers(String pass) {
                return new RunAnswers(pass, kafka);
            }

            @Override
            public void askDiff(String pass, SyncSettings current, int partitions) throws RunFailure, InterruptedException {
                DiffRequests.send(producer, pass, current, partitions, clock, config.getPhaseTimeout());
            }

            @Override
            public Long apiUsed() {
                return NightlyRun.this.apiUsed();
            }
        };
    }

    private Long apiUsed() {
        Outcome<SalesforceClient.Limits> limits = salesforce.limits();
        if (limits instanceof Outcome.Ok<SalesforceClient.Limits>(SalesforceClient.Limits value)) {
            return value.dailyApiRequestsMax() - value.dailyApiRequestsRemaining();
        }
        return null;
    }

    @PreDestroy
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
