package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.kit.kafka.TopicSerdes;
import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.events.PersonType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * (Over 300 lines on purpose, not split: the diff's topology and its processors over shared stores; the directory's part is
 * DirectoryTopology.)
 *
 * <p>The reconciler's one Kafka Streams topology, in three parts that scale with partitions and instances:
 *
 * <ol>
 *   <li><b>Ledger</b>: {@code unsubscribe-events} → {@code unsubscribe-ledger}, the sales side's current unsubscribes by
 *       person (a record sets, a removal that takes effect tombstones: {@link LedgerOrder}).</li>
 *   <li><b>Re-key</b>: the ledger → {@code reconcile-sales-by-id}, keyed {@code <salesforce-id>|<person>} and partitioned
 *       by the Salesforce ID, remembering each person's ID so a changed link or a removal tombstones the old entry. The
 *       same part answers the diff's Salesforce-only candidates: recorded on the sales side unless the person is already
 *       unsubscribed (under another Salesforce record with the same email), which would otherwise flip the person's link
 *       back and forth every night.</li>
 *   <li><b>Diff</b>: both sides by Salesforce ID in local stores ({@code reconcile-sales-by-id} and the Salesforce
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReconcileTopology.class);

    /** Sales side by Salesforce ID: {@code <salesforce-id>|<person>} → the person's unsubscribe. */
    public static final String SALES_STORE = "diff-sales";
    /** Salesforce side: 18-character ID → the snapshot's entry. */
    public static final String SALESFORCE_STORE = "diff-salesforce";
    /** Ledger persons: person → the Salesforce ID part of their re-keyed entry. */
    public static final String PERSON_STORE = "ledger-persons";
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
        topology.addProcessor("rekey", () -> new Rekey(serdes.values(Topics.SALESFORCE_PEOPLE).deserializer(), clock), "ledger");
        topology.addProcessor("record-candidates", RecordCandidates::new, "candidates");
        topology.addStateStore(store(PERSON_STORE, Serdes.String()), "rekey", "record-candidates");
        topology.addSink("to-sales-by-id", Topics.RECONCILE_SALES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), new BySalesforceId<>(), "rekey");
        topology.addSink("to-events", Topics.UNSUBSCRIBE_EVENTS.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_EVENTS).serializer(), "record-candidates");

        // Both sides of the diff are compacted topics keyed like their stores: the topics themselves restore the stores
        // (no changelog topics, half the writes), and only the scan reads them.
        // Values are kept as the topics' bytes: absorbing a record costs a RocksDB put, not a decode and an encode; the
        // scan decodes only what it looks at.
        topology.addReadOnlyStateStore(store(SALES_STORE, Serdes.ByteArray()).withLoggingDisabled(), "sales-by-id", keys,
                new ByteArrayDeserializer(), Topics.RECONCILE_SALES.name(), "keep-sales", () -> new Keep<byte[]>(SALES_STORE));
        topology.addReadOnlyStateStore(store(SALESFORCE_STORE, Serdes.ByteArray()).withLoggingDisabled(), "salesforce", keys,
                new ByteArrayDeserializer(), Topics.SALESFORCE_OPTOUTS.name(), "keep-salesforce", () -> new Keep<byte[]>(SALESFORCE_STORE));
        topology.addSource("control", keys, serdes.values(Topics.RECONCILE_CONTROL).deserializer(), Topics.RECONCILE_CONTROL.name());
        topology.addProcessor("scan", () -> new Scan(clock, serdes.values(Topics.UNSUBSCRIBE_LEDGER).deserializer(), serdes.values(Topics.SALESFORCE_OPTOUTS).deserializer(),
                serdes.values(Topics.SALESFORCE_PEOPLE).deserializer()), "control");
        topology.connectProcessorAndStateStores("scan", SALES_STORE, SALESFORCE_STORE);
        topology.addSink("to-pushes", Topics.RECONCILE_PUSHES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), "scan");
        topology.addSink("to-candidates", Topics.RECONCILE_CANDIDATES.name(), keyWriter, serdes.values(Topics.UNSUBSCRIBE_LEDGER).serializer(), "scan");
        topology.addSink("to-salesforce-optouts", Topics.SALESFORCE_OPTOUTS.name(), keyWriter, serdes.values(Topics.SALESFORCE_OPTOUTS).serializer(), "scan");
        topology.addSink("to-tallies", Topics.RECONCILE_TALLIES.name(), keyWriter, serdes.values(Topics.RECONCILE_TALLIES).serializer(), "scan", "record-candidates");

        DirectoryTopology.addTo(topology, serdes.values(Topics.SALESFORCE_RECORDS), serdes.values(Topics.SALESFORCE_PEOPLE), serdes.values(Topics.UNSUBSCRIBE_LEDGER), PERSON_STORE, clock,
                settings);
        // A person new to the ledger whose records reached the directory first: the re-key pushes them (both orders joined).
        topology.connectProcessorAndStateStores("rekey", DirectoryTopology.PEOPLE_STORE);
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

    /**
     * Re-keys the ledger by Salesforce ID and remembers each person's ID; a person new to the ledger whose records the
     * directory already lists, changed near the unsubscribe, has them pushed (the pusher may have missed them).
     */
    static final class Rekey implements Processor<String, UnsubscribeRecorded, String, UnsubscribeRecorded> {
        private final Deserializer<SalesforcePeople> people;
        private final Clock clock;
        private ProcessorContext<String, UnsubscribeRecorded> context;
        private KeyValueStore<String, String> persons;
        private KeyValueStore<String, byte[]> directory;

        Rekey(Deserializer<SalesforcePeople> people, Clock clock) {
            this.people = people;
            this.clock = clock;
        }

        @Override
        public void init(ProcessorContext<String, UnsubscribeRecorded> context) {
            this.context = context;
            this.persons = context.getStateStore(PERSON_STORE);
            this.directory = context.getStateStore(DirectoryTopology.PEOPLE_STORE);
        }

        @Override
        public void process(Record<String, UnsubscribeRecorded> record) {
            String person = record.key();
            if (person == null) {
                return;
            }
            String previous = persons.get(person);
            String next = record.value() == null ? null : salesforceKey(record.value());
            if (previous != null && !previous.equals(next)) {
                context.forward(new Record<String, UnsubscribeRecorded>(previous + "|" + person, null, record.timestamp()), "to-sales-by-id");
            }
            if (next == null) {
                persons.delete(person);
                return;
            }
            persons.put(person, next);
            context.forward(new Record<>(next + "|" + person, record.value(), record.timestamp()), "to-sales-by-id");
            if (previous == null) {
                byte[] entry = directory.get(person);
                if (entry != null) {
                    SalesforcePeople listed = people.deserialize(Topics.SALESFORCE_PEOPLE.name(), entry);
                    for (UnsubscribeRecorded push : DirectoryEvents.pushesForNewlyUnsubscribed(person, listed, record.value().getRecordedAt(), clock.instant())) {
                        LOG.info("{} {} was in the directory before {} reached the ledger: asking the pusher to opt it out", push.getPersonType(),
                                push.getSalesforceId(), PersonKey.masked(person));
                        context.forward(new Record<>(person, push, record.timestamp()), "to-ledger-pushes");
                    }
                }
            }
        }
    }

    /** Records a Salesforce-only opt-out on the sales side, unless the person is already unsubscribed there. */
    static final class RecordCandidates implements Processor<String, UnsubscribeRecorded, String, SpecificRecord> {
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, String> persons;

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.persons = context.getStateStore(PERSON_STORE);
        }

        @Override
        public void process(Record<String, UnsubscribeRecorded> record) {
            if (record.key() == null || record.value() == null) {
                return;
            }
            String runId = String.valueOf(record.value().getUpstreamEventId());
            boolean already = persons.get(record.key()) != null;
            if (!already) {
                // A new record with no headers: the event is an ordinary sales-side unsubscribe from here on.
                context.forward(new Record<String, SpecificRecord>(record.key(), record.value(), record.timestamp()), "to-events");
            }
            ReconcileTally tally = ReconcileTally.newBuilder().setRunId(runId).setStep(TallyStep.SALES_SIDE_RECORD)
                    .setPartition(context.recordMetadata().map(m -> m.partition()).orElse(-1))
                    .setCounts(Map.of(already ? ALREADY_BY_EMAIL : RECORDED, 1L)).build();
            context.forward(new Record<String, SpecificRecord>(runId, tally, record.timestamp()), "to-tallies");
        }
    }

    /** Keeps the latest value per key in a store (a tombstone deletes). */
    static final class Keep<V> implements Processor<String, V, Void, Void> {
        private final String storeName;
        private KeyValueStore<String, V> store;

        Keep(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, V> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }

    /** Compares one partition of both sides for a run. */
    static final class Scan implements Processor<String, DiffScanRequest, String, SpecificRecord> {
        private final Clock clock;
        private final Deserializer<UnsubscribeRecorded> salesValues;
        private final Deserializer<SalesforceOptOut> salesforceValues;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, byte[]> sales;
        private KeyValueStore<String, byte[]> salesforce;
        private final Deserializer<SalesforcePeople> peopleValues;
        private KeyValueStore<String, byte[]> directory;

        Scan(Clock clock, Deserializer<UnsubscribeRecorded> salesValues, Deserializer<SalesforceOptOut> salesforceValues, Deserializer<SalesforcePeople> peopleValues) {
            this.clock = clock;
            this.salesValues = salesValues;
            this.salesforceValues = salesforceValues;
            this.peopleValues = peopleValues;
        }

        private UnsubscribeRecorded salesEntry(byte[] value) {
            return salesValues.deserialize(Topics.RECONCILE_SALES.name(), value);
        }

        private SalesforceOptOut salesforceEntry(byte[] value) {
            return value == null ? null : salesforceValues.deserialize(Topics.SALESFORCE_OPTOUTS.name(), value);
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.sales = context.getStateStore(SALES_STORE);
            this.salesforce = context.getStateStore(SALESFORCE_STORE);
            this.directory = context.getStateStore(DirectoryTopology.PEOPLE_STORE);
        }

        @Override
        public void process(Record<String, DiffScanRequest> record) {
            DiffScanRequest request = record.value();
            if (request == null) {
                return;
            }
            String runId = request.getRunId();
            long started = System.nanoTime();
            int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
            LOG.info("Diff of partition {} for run {}: comparing ({} ms after the run asked)", partition, runId,
                    clock.millis() - request.getRequestedAt().toEpochMilli());
            Map<String, Long> counts = new TreeMap<>();
            for (String name : new String[] {SALES_ENTRIES, SALESFORCE_ENTRIES, TO_SALESFORCE, TO_SALES_SIDE, IN_SYNC, NO_ID, NO_EMAIL, STALE}) {
                counts.put(name, 0L);
            }
            RecordHeaders runHeader = new RecordHeaders();
            runHeader.add(Topics.RUN_ID_HEADER, runId.getBytes(StandardCharsets.UTF_8));
            long now = clock.millis();

            // One ordered pass over both stores at once (a merge join on the Salesforce ID): keys sort bytewise, "<id>"
            // before "<id>|<person>", and the "~|<person>" entries with no ID after every ID.
            try (KeyValueIterator<String, byte[]> salesSide = sales.all(); KeyValueIterator<String, byte[]> salesforceSide = salesforce.all()) {
                KeyValue<String, byte[]> person = salesSide.hasNext() ? salesSide.next() : null;
                KeyValue<String, byte[]> optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
                while (person != null || optOut != null) {
                    String personId = person == null ? null : person.key.substring(0, person.key.indexOf('|'));
                    int order = person == null ? 1 : optOut == null ? -1 : personId.compareTo(optOut.key);
                    SalesforceOptOut seen = null;
                    if (order >= 0) {
                        seen = salesforceEntry(optOut.value);
                        if (!runId.equals(seen.getSnapshotRunId())) {
                            // An older run saw it opted out and this run's snapshot did not: it no longer is.
                            counts.merge(STALE, 1L, Long::sum);
                            context.forward(new Record<String, SpecificRecord>(optOut.key, null, now), "to-salesforce-optouts");
                            seen = null;
                        } else {
                            counts.merge(SALESFORCE_ENTRIES, 1L, Long::sum);
                        }
                    }
                    if (order > 0) {
                        // Salesforce only: opted out there, no sales-side entry for the ID.
                        if (seen != null && optedOutInAny(seen, request)) {
                            recordOnSalesSide(optOut.key, seen, runId, now, runHeader, counts);
                        }
                        optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
                        continue;
                    }
                    // Every person linked to this ID (or, for "~", every person with no ID).
                    String id = personId;
                    while (person != null && person.key.startsWith(id) && person.key.charAt(id.length()) == '|') {
                        if (id.equals(NO_SALESFORCE_ID)) {
                            // No ID: the person's Contacts and Leads by email, as the directory lists them (on this very
                            // partition: "~|<person>" is partitioned by person, like the directory).
                            compareByEmail(person.key.substring(id.length() + 1), person.value, request, runId, now, runHeader, counts);
                        } else {
                            counts.merge(SALES_ENTRIES, 1L, Long::sum);
                            if (seen != null && optedOutInEvery(seen, request)) {
                                counts.merge(IN_SYNC, 1L, Long::sum);
                            } else {
                                counts.merge(TO_SALESFORCE, 1L, Long::sum);
                                UnsubscribeRecorded push = UnsubscribeRecorded.newBuilder(salesEntry(person.value))
                                        // A fresh id per run and record: the pusher's "seen this event lately" memory must
                                        // not swallow a push the real-time path made minutes ago and Salesforce since undid.
                                        .setEventId(uuid(runId + "|push|" + person.key))
                                        .setSalesforceId(id)
                                        .build();
                                context.forward(new Record<String, SpecificRecord>(person.key.substring(id.length() + 1), push, now, runHeader),
                                        "to-pushes");
                            }
                        }
                        person = salesSide.hasNext() ? salesSide.next() : null;
                    }
                    if (order == 0) {
                        optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
                    }
                }
            }

            ReconcileTally tally = ReconcileTally.newBuilder().setRunId(runId).setStep(TallyStep.DIFF_PARTITION)
                    .setPartition(partition).setCounts(counts).build();
            LOG.info("Diff of partition {} for run {}: compared in {} ms: {}", partition, runId, (System.nanoTime() - started) / 1_000_000, counts);
            context.forward(new Record<String, SpecificRecord>(runId, tally, now), "to-tallies");
        }

        /**
         * A sales-side unsubscribe without a Salesforce ID, compared record by record with what the people directory
         * says of the person's Contacts and Leads (as fresh as its last poll): each one not opted out in every selected
         * field is pushed. Only a person with no record at all counts as {@link #NO_ID}.
         */
        private void compareByEmail(String person, byte[] value, DiffScanRequest request, String runId, long now, RecordHeaders runHeader,
                                    Map<String, Long> counts) {
            byte[] listed = directory.get(person);
            SalesforcePeople linked = listed == null ? null : peopleValues.deserialize(Topics.SALESFORCE_PEOPLE.name(), listed);
            if (linked == null || linked.getRecords().isEmpty()) {
                counts.merge(NO_ID, 1L, Long::sum);
                return;
            }
            UnsubscribeRecorded unsubscribe = salesEntry(value);
            java.util.Set<String> done = new java.util.HashSet<>();
            for (DirectoryEntry entry : linked.getRecords()) {
                if (entry.getIsConverted() && entry.getConvertedContactId() != null) {
                    // Writes go to the Contact it became, which the directory lists under its own email.
                    continue;
                }
                if (!done.add(entry.getId())) {
                    continue;
                }
                counts.merge(SALES_ENTRIES, 1L, Long::sum);
                boolean email = !request.getSyncToEmailOptOut() || entry.getEmailOptOut();
                boolean marketo = request.getMarketoSalesOptOutField() == null || Boolean.TRUE.equals(entry.getMarketoSalesOptOut());
                if (email && marketo) {
                    counts.merge(IN_SYNC, 1L, Long::sum);
                    continue;
                }
                counts.merge(TO_SALESFORCE, 1L, Long::sum);
                UnsubscribeRecorded push = UnsubscribeRecorded.newBuilder(unsubscribe)
                        .setEventId(uuid(runId + "|push|" + entry.getId() + "|" + person))
                        .setSalesforceId(entry.getId())
                        .build();
                context.forward(new Record<String, SpecificRecord>(person, push, now, runHeader), "to-pushes");
            }
        }

        private void recordOnSalesSide(String id, SalesforceOptOut seen, String runId, long now, RecordHeaders runHeader, Map<String, Long> counts) {
            if (seen.getEmail() == null || seen.getEmail().isBlank() || seen.getEmail().indexOf('@') < 0) {
                counts.merge(NO_EMAIL, 1L, Long::sum);
                return;
            }
            counts.merge(TO_SALES_SIDE, 1L, Long::sum);
            UnsubscribeRecorded recorded = UnsubscribeRecorded.newBuilder()
                    .setEventId(uuid(runId + "|record|" + id))
                    .setEmail(seen.getEmail())
                    .setSalesforceId(id)
                    .setPersonType(id.startsWith(SalesforceId.LEAD_PREFIX) ? PersonType.LEAD : PersonType.CONTACT)
                    .setSource(UnsubscribeSource.SALESFORCE_SYNC)
                    .setOccurredAt(seen.getSeenAt())
                    .setRecordedAt(java.time.Instant.ofEpochMilli(now))
                    .setReason("opted out in Salesforce (" + seen.getObjectType() + " " + id + "), found by nightly run " + runId)
                    .setUpstreamEventId(runId)
                    .setOrigin(ORIGIN)
                    .build();
            context.forward(new Record<String, SpecificRecord>(PersonKey.of(seen.getEmail()), recorded, now, runHeader), "to-candidates");
        }
    }

    /** Whether Salesforce has every selected field set. */
    static boolean optedOutInEvery(SalesforceOptOut seen, DiffScanRequest request) {
        boolean email = !request.getSyncToEmailOptOut() || seen.getEmailOptOut();
        boolean marketo = request.getMarketoSalesOptOutField() == null || Boolean.TRUE.equals(seen.getMarketoSalesOptOut());
        return email && marketo;
    }

    /** Whether Salesforce has any selected field set: the person is opted out there. */
    static boolean optedOutInAny(SalesforceOptOut seen, DiffScanRequest request) {
        boolean email = request.getSyncToEmailOptOut() && seen.getEmailOptOut();
        boolean marketo = request.getMarketoSalesOptOutField() != null && Boolean.TRUE.equals(seen.getMarketoSalesOptOut());
        return email || marketo;
    }

    static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
