package dev.unsubsync.reconciler.diff;

import dev.unsubsync.kit.kafka.BoundedRocksDb;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.kit.kafka.TopicSerdes;
import dev.unsubsync.kit.kafka.TopicSetup;
import dev.unsubsync.reconciler.support.ReconcilerConfiguration;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ReconcileTopology} for as long as the service runs: the ledger and both sides of the diff stay current
 * between runs, so a run only adds the day's snapshot and asks for the comparison. Instances share the partitions through
 * the application id.
 */
@Singleton
public class ReconcileStreams implements ApplicationEventListener<StartupEvent> {

    /** The Streams application id, which is also the consumer group whose offsets say how far the diff has read. */
    public static final String APPLICATION_ID = "nightly-reconciler";

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileStreams.class);

    private final KafkaClients kafka;
    private final TopicSetup topicSetup;
    private final ReconcilerConfiguration config;
    private final Clock clock;
    private final SettingsView settings;
    private volatile KafkaStreams streams;

    public ReconcileStreams(KafkaClients kafka, ReconcilerConfiguration config, Clock clock, TopicSetup topicSetup, SettingsView settings) {
        this.kafka = kafka;
        this.topicSetup = topicSetup;
        this.config = config;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        // Kafka Streams must find its topics as declared: provisioned (and the schemas it writes registered) first.
        topicSetup.ensure();
        Properties props = new Properties();
        props.putAll(kafka.config());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        String stateDir = config.getStateDir() != null
                ? config.getStateDir()
                : Path.of(System.getProperty("java.io.tmpdir"), "nightly-reconciler-streams").toString();
        // Local state next to the service's other scratch files; RocksDB keeps it off the heap.
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getStreamThreads());
        // Every store under one memory budget, so what the service uses off the heap does not grow with its tasks.
        BoundedRocksDb.apply(props, config.getRocksdbMemoryMib());
        // Exactly once: a task that dies mid-comparison leaves nothing half-written; its next owner compares again.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Each commit ends a transaction: reconciler.streams-commit-interval (Kafka's 100 ms unless set) trades fewer of
        // them during a full load against how soon what the topology writes is readable.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getStreamsCommitInterval().toMillis());
        // A crashed instance's tasks move to the others after 10 s instead of 45 s.
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 3_000);
        // A new instance warms its stores up, then takes its share of the tasks at the next probing rebalance: every
        // minute (the least Kafka allows) rather than every ten.
        props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000);
        // ...all of its share at once (the stateful tasks are 12 on 6 partitions), not two per probing rebalance.
        props.put(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG, 12);
        streams = new KafkaStreams(ReconcileTopology.build(TopicSerdes.through(kafka.config()), clock, settings::current), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Reconciler stream failed; replacing the thread", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
    }

    /** The Streams state (RUNNING once its tasks are assigned and restored). */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.NOT_RUNNING : s.state();
    }

    /** Active tasks of this instance (each a partition of a part of the topology). */
    public int activeTasks() {
        KafkaStreams s = streams;
        return s == null ? 0 : s.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
    }

    /** Partitions of the diff (both sides' stores and their scans) this instance runs now. */
    public int diffPartitions() {
        KafkaStreams s = streams;
        return s == null
                ? 0
                : (int) s.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                        .filter(task -> task.topicPartitions().stream().anyMatch(p -> p.topic().equals(Topics.RECONCILE_CONTROL.name())))
                        .count();
    }

    @PreDestroy
    void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(10));
        }
    }
}
