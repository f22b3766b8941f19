package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroSerde;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sales-side ledger ({@link Topics#UNSUBSCRIBE_LEDGER}) current with Kafka Streams while the reconciler
 * runs, so a nightly run reads a compacted view instead of replaying every event. Instances share the work through the
 * Streams application id.
 */
@Singleton
public class LedgerStreams implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerStreams.class);

    private final Map<String, Object> registry = new HashMap<>();
    private final String bootstrapServers;
    private volatile KafkaStreams streams;

    public LedgerStreams(Environment environment) {
        this.bootstrapServers = environment.getRequiredProperty("kafka.bootstrap.servers", String.class);
        environment.getProperties("kafka.apicurio.registry", StringConvention.RAW).forEach((key, value) -> registry.put("apicurio.registry." + key, value));
        registry.put("apicurio.registry.use-specific-avro-reader", true);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TopicProvisioner.ensureAtStartUp(bootstrapServers, java.util.List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.UNSUBSCRIBE_LEDGER),
                "Kafka Streams waits for them");
        AvroSerde<SpecificRecord> events = new AvroSerde<>();
        events.configure(registry, false);
        AvroSerde<UnsubscribeRecorded> ledger = new AvroSerde<>();
        ledger.configure(registry, false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "nightly-reconciler-ledger");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Streams keeps local state next to the service's other scratch files, never in a shared /tmp folder.
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "nightly-reconciler-streams").toString());
        // Every ledger entry is final once written: exactly-once keeps a retry from writing a stale entry after a newer one.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streams = new KafkaStreams(LedgerTopology.build(events, ledger), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Ledger stream failed; replacing the thread", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
    }

    /** The Streams state (RUNNING once caught up and processing). */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.NOT_RUNNING : s.state();
    }

    @PreDestroy
    void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(10));
        }
    }
}
