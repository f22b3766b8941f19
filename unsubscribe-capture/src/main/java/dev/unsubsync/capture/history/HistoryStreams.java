package dev.unsubsync.capture.history;

import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.capture.support.CaptureTuning;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.kit.kafka.BoundedRocksDb;
import dev.unsubsync.kit.kafka.KafkaClients;
import io.apicurio.registry.serde.avro.AvroSerde;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link HistoryTopology} on every capture instance (they share the partitions through the application id) and
 * answers where a person's history lives: here, or on which other instance ({@code application.server} is this
 * instance's HTTP address, so the others can forward a query to it).
 */
@io.micronaut.context.annotation.Requires(property = "capture.history.enabled", notEquals = "false")
@Singleton
public class HistoryStreams implements ApplicationEventListener<ServerStartupEvent> {

    public static final String APPLICATION_ID = "unsubscribe-capture-history";
    private static final Logger LOG = LoggerFactory.getLogger(HistoryStreams.class);

    private final KafkaClients kafka;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    private final String advertisedHost;
    private final int rocksdbMemoryMib;

    public HistoryStreams(KafkaClients kafka, CaptureConfiguration configuration,
            CaptureTuning.History history) {
        this.kafka = kafka;
        this.advertisedHost = configuration.getAdvertisedHost();
        this.rocksdbMemoryMib = history.rocksdbMemoryMib();
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        EmbeddedServer server = event.getSource();
        self = new HostInfo(advertisedHost.isBlank() ? server.getHost() : advertisedHost, server.getPort());
        // Its source topics were made by TopicSetup at start-up, before the server started.
        Map<String, Object> registry = new HashMap<>(kafka.config());
        registry.put("apicurio.registry.use-specific-avro-reader", true);
        AvroSerde<SpecificRecord> values = new AvroSerde<>();
        values.configure(registry, false);
        AvroSerde<PersonHistory> histories = new AvroSerde<>();
        histories.configure(registry, false);
        Properties props = new Properties();
        props.putAll(kafka.config());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        // One folder per instance address: two instances on one machine never share RocksDB files.
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "unsubscribe-capture-streams-" + self.port()).toString());
        // A record nobody can decode (a poison pill) is logged and passed over: the pusher dead-letters it; history skips it.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RegistryAwareDeserializationHandler.class);
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 3_000);
        // The history is a view, not on the acknowledgement path: fetch in larger bites, so the broker answers fewer
        // fetch requests while capture is busy taking writes.
        props.put(StreamsConfig.consumerPrefix("fetch.min.bytes"), 65_536);
        props.put(StreamsConfig.consumerPrefix("fetch.max.wait.ms"), 200);
        // The reconciler writes unsubscribe-events in transactions: an aborted one's events are not in anyone's history.
        props.put(StreamsConfig.consumerPrefix("isolation.level"), "read_committed");
        // Every store of the history under one memory budget, so what capture holds off the heap does not grow with its tasks.
        BoundedRocksDb.apply(props, rocksdbMemoryMib);
        // Any Kafka Streams setting can be given under capture.history.streams.* (e.g. capture.history.streams.num.stream.threads).
        props.putAll(kafka.settingsUnder("capture.history.streams"));
        KafkaStreams s = new KafkaStreams(HistoryTopology.build(values, histories), props);
        s.setUncaughtExceptionHandler(e -> {
            LOG.error("History stream failed; replacing the thread", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        s.start();
        streams = s;
    }

    /** Where the person's history lives now: this instance, another one, or nowhere yet (rebalancing). */
    public sealed interface Owner {
        record Here() implements Owner {
        }

        record There(String host, int port) implements Owner {
        }

        record Unavailable(String why) implements Owner {
        }
    }

    public Owner ownerOf(String personKey) {
        KafkaStreams s = streams;
        if (s == null || s.state() != KafkaStreams.State.RUNNING) {
            return new Owner.Unavailable("the history store is " + (s == null ? "not started" : s.state()) + " on this instance");
        }
        KeyQueryMetadata metadata = s.queryMetadataForKey(HistoryTopology.STORE, personKey, new StringSerializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Owner.Unavailable("the owner of this person's history is not known yet (a rebalance is under way)");
        }
        HostInfo host = metadata.activeHost();
        return host.equals(self) ? new Owner.Here() : new Owner.There(host.host(), host.port());
    }

    /** The history held here; empty when this instance holds none for the person. */
    public Optional<PersonHistory> local(String personKey) {
        ReadOnlyKeyValueStore<String, PersonHistory> store = streams.store(
                StoreQueryParameters.fromNameAndType(HistoryTopology.STORE, QueryableStoreTypes.keyValueStore()));
        return Optional.ofNullable(store.get(personKey));
    }

    /**
     * Unsubscribes per day and source held by this instance's tasks, for the days from {@code from} to {@code to}
     * (inclusive, UTC): {@code day → source → count}.
     */
    public Map<String, Map<String, Long>> localDaily(LocalDate from, LocalDate to) {
        ReadOnlyKeyValueStore<String, Long> store = streams.store(
                StoreQueryParameters.fromNameAndType(HistoryTopology.DAILY_STORE, QueryableStoreTypes.keyValueStore()));
        Map<String, Map<String, Long>> days = new TreeMap<>();
        // One entry per task: the same key comes once from each partition's store, and the counts add up.
        try (var entries = store.range(from + "|", to + "|\uffff")) {
            entries.forEachRemaining(entry -> {
                int bar = entry.key.indexOf('|');
                days.computeIfAbsent(entry.key.substring(0, bar), day -> new TreeMap<>())
                        .merge(entry.key.substring(bar + 1), entry.value, Long::sum);
            });
        }
        return days;
    }

    /** The other capture instances running the history store (their HTTP addresses). */
    public List<HostInfo> others() {
        KafkaStreams s = streams;
        if (s == null) {
            return List.of();
        }
        return s.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo).filter(h -> !h.equals(self)).toList();
    }

    /** Whether the store can be queried here now. */
    public boolean running() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING;
    }

    @PreDestroy
    void stop() {
        KafkaStreams s = streams;
        if (s != null) {
            s.close(Duration.ofSeconds(10));
        }
    }
}
