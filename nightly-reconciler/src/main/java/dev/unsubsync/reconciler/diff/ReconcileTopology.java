package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.kafka.TopicSerdes;
import dev.unsubsync.reconciler.directory.DirectoryTopology;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The reconciler's one Kafka Streams topology, in three parts that scale with partitions and instances, each processor
 * its own class:
 *
 * <ol>
 *   <li><b>Ledger</b>: {@code unsubscribe-events} → {@code unsubscribe-ledger}, the sales side's current unsubscribes by
 *       person (a record sets, a removal that takes effect tombstones: {@link LedgerOrder}).</li>
 *   <li><b>Re-key</b> ({@link LedgerRekey}, {@link RecordCandidates}): the ledger → {@code reconcile-sales-by-id}, keyed {@code <salesforce-id>|<person>} and partitioned
 *       by the Salesforce ID, remembering each person's ID so a changed link or a removal tombstones the old entry. The
 *       same part answers the diff's Salesforce-only candidates: recorded on the sales side unless the person is already
 *       unsubscribed (under another Salesforce record with the same email), which would otherwise flip the person's link
 *       back and forth every night.</li>
 *   <li><b>Diff</b> ({@link DiffScan}, over stores {@link KeepInStore} fills): both sides by Salesforce ID in local stores ({@code reconcile-sales-by-id} and the Salesforce
 *       snapshot {@code salesforce-optouts}). A {@link DiffScanRequest} on a partition of {@code reconcile-control}
 *       compares that partition's stores: what Salesforce lacks goes to {@code reconcile-pushes} for the pusher, what
 *       the sales side lacks goes to the candidates, snapshot entries an older run saw are tombstoned, and the counts go
 *       to {@code reconcile-tallies}.</li>
 * </ol>
 *
 * Nothing here ever writes {@code false} or removes an unsubscribe: the diff is a union. The people directory
 * ({@link DirectoryTopology}) runs in the same application: it shares the ledger's persons, to push a record that appears
 * for someone already unsubscribed.
 */
public final class ReconcileTopology {

    /** Sales side by Salesforce ID: {@code <salesforce-id>|<person>} → the person's unsubscribe. */
    public static final String SALES_STORE = "diff-sales";
    /** Salesforce side: 18-character ID → the snapshot's entry. */
    public static final String SALESFORCE_STORE = "diff-salesforce";
    /** Ledger persons: person → the Salesforce ID part of their re-keyed entry. */
    public static final String PERSON_STORE = "ledger-persons";
    /**
     * Ledger removals: person → when their last removal reached the ledger (epoch millis), while they are not
     * unsubscribed again. An opt-out the directory reads afterwards that Salesforce stamped before it (our own push, or a
     * user's, landed before the removal) was already there when the person was removed: the nightly run's, not a new turn.
     */
    public static final String REMOVAL_STORE = "ledger-removals";
    /** The Salesforce ID part of a sales-side entry with no (valid) Salesforce ID. */
    public static final String NO_SALESFORCE_ID = "~";
    /** Origin recorded on the unsubscribes a run brings over from Salesforce. */
    public static final String ORIGIN = "nightly-reconciler";

    /** Names of the counts in a {@link TallyStep#DIFF_PARTITION} tally. */
    public static final String SALES_ENTRIES = "salesSideUnsubscribes";
    public static final String SALESFORCE_ENTRIES = "salesforceOptedOut";
    public static final String TO_SALESFORCE = "toSalesforce";
    public static final String TO_SALES_SIDE = "toSalesSide";
    public static final String IN_SYNC = "inSync";
    public static final String NO_ID = "noSalesforceId";
    public static final String NO_EMAIL = "noEmail";
    public static final String STALE = "staleSnapshotEntries";
    /** Names of the counts in a {@link TallyStep#SALES_SIDE_RECORD} tally. */
    public static final String RECORDED = "recordedOnSalesSide";
    public static final String ALREADY_BY_EMAIL = "alreadyUnsubscribedByEmail";

    private ReconcileTopology() {
    }

    /** @param settings the settings in force (the directory records Salesforce-side opt-outs only while the sync is enabled) */
    public static Topology build(TopicSerdes serdes, Clock clock, Supplier<SyncSettings> settings) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(LedgerOrder.store());
        builder.stream(Topics.UNSUBSCRIBE_EVENTS.name(), Consumed.with(Serdes.String(), serdes.values(Topics.UNSUBSCRIBE_EVENTS)))
                .process(LedgerOrder::new, LedgerOrder.STORE)
                .to(Topics.UNSUBSCRIBE_LEDGER.name(), Produced.with(Serdes.String(), serdes.values(Topics.UNSUBSCRIBE_LEDGER)));
        Topology topology = builder.build();
        StringDeserializer keys = new StringDeserializer();
        StringSerializer keyWriter = new StringSerializer();

        topology.addSource("ledger", keys, serdes.values(Topics.UNSUBSCRIBE_LEDGER).deserializer(), Topics.UNSUBSCRIBE_LEDGER.name());
        topology.addSource("candidates", keys, serdes.values(Topics.UNSUBSCRIBE_LEDGER).deserializer(), Topics.RECONCILE_CANDIDATES.name());
        topology.addProcessor("rekey", () -> new LedgerRekey(serdes.values(Topics.SALESFORCE_PEOPLE).deserializer(), clock), "ledger");
        topology.addProcessor("record-candidates", RecordCandidates::new, "candidates");
        topology.addStateStore(store(PERSON_STORE, Serdes.String()), "rekey", "record-candidates");
        topology.addStateStore(store(REMOVAL_STORE, Serdes.Long()), "rekey");
        topology.addSink("to-sales-by-id", Topics.RECONCILE_SALES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(),
                new BySalesforceId<>(), "rekey");
        topology.addSink("to-events", Topics.UNSUBSCRIBE_EVENTS.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_EVENTS).serializer(), "record-candidates");

        // Both sides of the diff are compacted topics keyed like their stores: the topics themselves restore the stores
        // (no changelog topics, half the writes), and only the scan reads them.
        // Values are kept as the topics' bytes: absorbing a record costs a RocksDB put, not a decode and an encode; the
        // scan decodes only what it looks at.
        topology.addReadOnlyStateStore(store(SALES_STORE, Serdes.ByteArray()).withLoggingDisabled(), "sales-by-id", keys,
                new ByteArrayDeserializer(), Topics.RECONCILE_SALES.name(), "keep-sales", () -> new KeepInStore<byte[]>(SALES_STORE));
        topology.addReadOnlyStateStore(store(SALESFORCE_STORE, Serdes.ByteArray()).withLoggingDisabled(), "salesforce", keys,
                new ByteArrayDeserializer(), Topics.SALESFORCE_OPTOUTS.name(), "keep-salesforce", () -> new KeepInStore<byte[]>(SALESFORCE_STORE));
        topology.addSource("control", keys, serdes.values(Topics.RECONCILE_CONTROL).deserializer(), Topics.RECONCILE_CONTROL.name());
        topology.addProcessor("scan",
                () -> new DiffScan(clock, serdes.values(Topics.UNSUBSCRIBE_LEDGER).deserializer(), serdes.values(Topics.SALESFORCE_OPTOUTS).deserializer(),
                        serdes.values(Topics.SALESFORCE_PEOPLE).deserializer()),
                "control");
        topology.connectProcessorAndStateStores("scan", SALES_STORE, SALESFORCE_STORE);
        topology.addSink("to-pushes", Topics.RECONCILE_PUSHES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), "scan");
        topology.addSink("to-candidates", Topics.RECONCILE_CANDIDATES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), "scan");
        topology.addSink("to-salesforce-optouts", Topics.SALESFORCE_OPTOUTS.name(), keyWriter, serdes.values(Topics.SALESFORCE_OPTOUTS).serializer(), "scan");
        topology.addSink("to-tallies", Topics.RECONCILE_TALLIES.name(), keyWriter, serdes.values(Topics.RECONCILE_TALLIES).serializer(), "scan",
                "record-candidates");

        DirectoryTopology.addTo(topology, serdes.values(Topics.SALESFORCE_RECORDS), serdes.values(Topics.SALESFORCE_PEOPLE),
                serdes.values(Topics.UNSUBSCRIBE_LEDGER),
                new DirectoryTopology.LedgerStores(PERSON_STORE, REMOVAL_STORE), clock, settings);
        // A person new to the ledger whose records reached the directory first: the re-key pushes them (both orders joined).
        topology.connectProcessorAndStateStores("rekey", DirectoryTopology.PEOPLE_STORE);
        topology.connectProcessorAndStateStores("rekey", DirectoryTopology.AWAITING_STORE);
        topology.addSink("to-ledger-pushes", Topics.RECONCILE_PUSHES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), "rekey");
        // The diff resolves unsubscribes without an ID through the directory, on the same partition (both by person).
        topology.connectProcessorAndStateStores("scan", DirectoryTopology.PEOPLE_STORE);
        return topology;
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
        // RocksDB on disk, off the heap. Logged to a changelog (so it moves with its task between instances) unless the
        // caller turns logging off: the read-only stores are restored from their own source topics instead.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }

    /** The Salesforce ID part of a sales-side entry: the 18-character ID, or {@link #NO_SALESFORCE_ID}. */
    static String salesforceKey(UnsubscribeRecorded recorded) {
        if (recorded.getSalesforceId() == null) {
            return NO_SALESFORCE_ID;
        }
        try {
            SalesforceId id = SalesforceId.parse(recorded.getSalesforceId());
            return id.personObjectType().isPresent() ? id.to18() : NO_SALESFORCE_ID;
        } catch (InvalidSalesforceIdException e) {
            return NO_SALESFORCE_ID;
        }
    }

    /**
     * Which partition a key of the diff's topics belongs on: the producer's default choice (murmur2 of the UTF-8 key)
     * applied to the Salesforce ID part alone, so {@code <id>|<person>} lands with the snapshot's {@code <id>}. Entries
     * with no Salesforce ID spread by person.
     */
    public static int partitionOf(String key, int partitions) {
        int bar = key.indexOf('|');
        String part = bar < 0 ? key : key.substring(0, bar);
        if (part.equals(NO_SALESFORCE_ID) && bar >= 0) {
            part = key.substring(bar + 1);
        }
        return Utils.toPositive(Utils.murmur2(part.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    static final class BySalesforceId<V> implements StreamPartitioner<String, V> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
            return Optional.of(Set.of(partitionOf(key, numPartitions)));
        }
    }

}
