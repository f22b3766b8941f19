package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.reconciler.domain.DirectoryReads;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people directory, built from what the reconciler reads of Salesforce ({@code salesforce-records}, keyed by
 * record ID) into one entry per person ({@code salesforce-people}, keyed by person key), in two steps that scale with
 * partitions:
 *
 * <ol>
 *   <li><b>Index</b> (by record ID): remembers which person each record belongs to, so a record whose email changed, that
 *       was deleted, or that the latest full load did not see (tombstoned by the load) is taken from its old person;
 *       every change goes to {@code salesforce-people-changes}, keyed by the person it joins or leaves.</li>
 *   <li><b>People</b> (by person, co-partitioned with the ledger): applies the changes to the person's entry and
 *       publishes it. A record that <em>joins</em> a person the ledger holds as unsubscribed, and is not opted out yet,
 *       goes to {@code reconcile-pushes}: someone unsubscribed before their Contact or Lead existed (or before a duplicate
 *       was created) is opted out as soon as the directory sees the record, without anyone sending anything again.
 *       The other order — the record reached the directory first, the person reaches the ledger later (a reconciler
 *       catching up on a backlog) — is joined by the ledger's re-key ({@link DirectoryEvents#pushesForNewlyUnsubscribed}).</li>
 * </ol>
 *
 * A record whose opt-out was unchecked in Salesforce is not a newcomer and is not pushed here: bringing it back is the
 * nightly run's job, and only while the nightly sync is enabled (rule 4). The other way, while the nightly sync is
 * enabled, a record whose chosen opt-out field turns true in Salesforce records its person as unsubscribed on the sales
 * side ({@code unsubscribe-events}, {@code SALESFORCE_SYNC}) unless the ledger holds them already: within a poll, not at
 * night, and the pusher takes it to the person's other records.
 */
public final class DirectoryTopology {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryTopology.class);

    /**
     * Record ID → the record as {@code salesforce-records} holds it (its bytes), restored from that topic. Named anew when
     * it replaced the changelogged {@code directory-index} (ID → person and content): the old store and its changelog topic
     * ({@code nightly-reconciler-directory-index-changelog}) are no longer read.
     */
    public static final String INDEX_STORE = "directory-records";
    /** Person key → the person's directory entry, as the bytes published on {@code salesforce-people}. */
    public static final String PEOPLE_STORE = "directory-people";
    /** Origin of the pushes the directory asks for. */
    public static final String ORIGIN = "nightly-reconciler/people-directory";

    private DirectoryTopology() {
    }

    /**
     * Adds the directory to {@code topology}.
     *
     * @param ledgerPersons the store of persons the ledger holds as unsubscribed (shared with the ledger's re-key)
     */
    static void addTo(Topology topology, Serde<SalesforceRecord> records, Serde<SalesforcePeople> people, Serde<UnsubscribeRecorded> recorded,
                      String ledgerPersons, Clock clock, Supplier<SyncSettings> settings) {
        StringDeserializer keys = new StringDeserializer();
        StringSerializer keyWriter = new StringSerializer();
        // The index is salesforce-records itself, kept as the topic's bytes in a store the topic restores: no changelog of
        // its own (a write less per record), and a record written again byte for byte costs a lookup.
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE), Serdes.String(), Serdes.ByteArray()),
                "directory-records", keys, new ByteArrayDeserializer(), Topics.SALESFORCE_RECORDS.name(), "directory-index",
                () -> new Index(records.deserializer(), records.serializer()));
        topology.addSink("to-people-changes", Topics.SALESFORCE_PEOPLE_CHANGES.name(), keyWriter, new ByteArraySerializer(), "directory-index");

        topology.addSource("directory-changes", keys, records.deserializer(), Topics.SALESFORCE_PEOPLE_CHANGES.name());
        topology.addProcessor("directory-people", () -> new People(clock, people.deserializer(), people.serializer(), settings), "directory-changes");
        // Entries kept as the bytes published: each change is encoded once, for the store (and its changelog) and the topic.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PEOPLE_STORE), Serdes.String(), Serdes.ByteArray()), "directory-people");
        topology.connectProcessorAndStateStores("directory-people", ledgerPersons);
        topology.addSink("to-people", Topics.SALESFORCE_PEOPLE.name(), keyWriter, new ByteArraySerializer(), "directory-people");
        topology.addSink("to-directory-pushes", Topics.RECONCILE_PUSHES.name(), keyWriter, recorded.serializer(), "directory-people");
        topology.addSink("to-directory-events", Topics.UNSUBSCRIBE_EVENTS.name(), keyWriter, recorded.serializer(), "directory-people");
    }

    /** The person key of an address, or null when it has none usable. */
    static String personOf(String email) {
        if (email == null || email.isBlank() || email.indexOf('@') < 0) {
            return null;
        }
        return PersonKey.of(email);
    }

    /** A change that takes the record from a person. */
    static SalesforceRecord leaving(String id) {
        String type = id.startsWith(SalesforceId.LEAD_PREFIX) ? "Lead" : "Contact";
        return SalesforceRecord.newBuilder().setId(id).setObjectType(type).setDeleted(true).build();
    }

    /**
     * Keeps every record as {@code salesforce-records} holds it (the store's only writer; the topic restores it) and turns
     * record changes into person changes: a record that joins a person, and one that leaves its old person (its email
     * changed, it was deleted, or a full load did not read it).
     */
    static final class Index implements Processor<String, byte[], Void, Void> {
        private final Deserializer<SalesforceRecord> reader;
        private final Serializer<SalesforceRecord> writer;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> index;

        Index(Deserializer<SalesforceRecord> reader, Serializer<SalesforceRecord> writer) {
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        @SuppressWarnings("unchecked") // Streams types a read-only store's processor as forwarding nothing; this one forwards each change (bytes) to the sink added after it.
        public void init(ProcessorContext<Void, Void> context) {
            this.context = (ProcessorContext<String, byte[]>) (ProcessorContext<?, ?>) context;
            this.index = context.getStateStore(INDEX_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            String id = record.key();
            if (id == null || id.equals(Topics.DIRECTORY_SWEEP_KEY)) {
                // An older version's sweep marker: a full load now tombstones what it did not read (DirectoryLoad).
                return;
            }
            byte[] previous = index.get(id);
            byte[] bytes = record.value();
            if (bytes != null && Arrays.equals(previous, bytes)) {
                return;
            }
            SalesforceRecord was = previous == null ? null : reader.deserialize(Topics.SALESFORCE_RECORDS.name(), previous);
            SalesforceRecord value = bytes == null ? null : reader.deserialize(Topics.SALESFORCE_RECORDS.name(), bytes);
            if (bytes == null) {
                index.delete(id);
            } else {
                index.put(id, bytes);
            }
            String oldPerson = was == null ? null : personOf(was.getEmail());
            String newPerson = value == null ? null : personOf(value.getEmail());
            if (oldPerson != null && !oldPerson.equals(newPerson)) {
                context.forward(new Record<>(oldPerson, writer.serialize(Topics.SALESFORCE_PEOPLE_CHANGES.name(), leaving(id)), record.timestamp()));
            }
            if (newPerson == null || newPerson.equals(oldPerson) && content(was).equals(content(value))) {
                // No person, or seen again with nothing the directory keeps changed (a poll's overlap, an edit of another
                // field): the person's entry stays as it is.
                return;
            }
            if (value.getDeleted()) {
                value.setDeleted(false);
                bytes = writer.serialize(Topics.SALESFORCE_PEOPLE_CHANGES.name(), value);
            }
            // The record's own bytes: its schema is the same on both topics.
            context.forward(new Record<>(newPerson, bytes, record.timestamp()));
        }

        /** What of a record the directory keeps, besides its person: a change of any of it must reach the person's entry. */
        static String content(SalesforceRecord record) {
            // Exact, not a hash: a collision would hide a change. A few dozen characters.
            Boolean marketo = record.getMarketoSalesOptOut();
            return (record.getEmailOptOut() ? "1" : "0") + (marketo == null ? "-" : marketo ? "1" : "0") + (record.getIsConverted() ? "1" : "0")
                    + Objects.toString(record.getConvertedContactId(), "") + " " + record.getEmail();
        }
    }

    /** Applies record changes to each person's entry; pushes a record that joins an unsubscribed person. */
    static final class People implements Processor<String, SalesforceRecord, String, Object> {
        private final Clock clock;
        private final Deserializer<SalesforcePeople> reader;
        private final Serializer<SalesforcePeople> writer;
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, byte[]> people;
        private KeyValueStore<String, String> ledgerPersons;
        private KeyValueStore<String, Long> removals;

        private final Supplier<SyncSettings> settings;

        People(Clock clock, Deserializer<SalesforcePeople> reader, Serializer<SalesforcePeople> writer, Supplier<SyncSettings> settings) {
            this.clock = clock;
            this.settings = settings;
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.people = context.getStateStore(PEOPLE_STORE);
            this.ledgerPersons = context.getStateStore(ReconcileTopology.PERSON_STORE);
            this.removals = context.getStateStore(ReconcileTopology.REMOVAL_STORE);
        }

        @Override
        public void process(Record<String, SalesforceRecord> record) {
            String person = record.key();
            SalesforceRecord change = record.value();
            if (person == null || change == null) {
                return;
            }
            byte[] stored = people.get(person);
            SalesforcePeople current = stored == null ? null : reader.deserialize(Topics.SALESFORCE_PEOPLE.name(), stored);
            List<DirectoryEntry> entries = current == null ? new ArrayList<>() : new ArrayList<>(current.getRecords());
            int at = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).getId().equals(change.getId())) {
                    at = i;
                }
            }
            boolean joined = false;
            DirectoryEntry before = at >= 0 ? entries.get(at) : null;
            if (change.getDeleted()) {
                if (at < 0) {
                    return;
                }
                entries.remove(at);
            } else {
                DirectoryEntry entry = DirectoryReads.entry(change);
                if (at >= 0 && entries.get(at).equals(entry)) {
                    return;
                }
                if (at >= 0) {
                    entries.set(at, entry);
                } else {
                    entries.add(entry);
                    joined = true;
                }
            }
            Instant now = clock.instant();
            if (entries.isEmpty()) {
                people.delete(person);
                context.forward(new Record<String, Object>(person, null, record.timestamp()), "to-people");
            } else {
                entries.sort(Comparator.comparing((DirectoryEntry e) -> !e.getObjectType().equals("Contact")).thenComparing(DirectoryEntry::getId));
                byte[] updated = writer.serialize(Topics.SALESFORCE_PEOPLE.name(), SalesforcePeople.newBuilder().setRecords(entries).setUpdatedAt(now).build());
                people.put(person, updated);
                context.forward(new Record<String, Object>(person, updated, record.timestamp()), "to-people");
            }
            SyncSettings inForce = settings.get();
            if (!change.getDeleted() && inForce.getNightlySyncEnabled() && !change.getIsConverted() && DirectoryEvents.optedOut(DirectoryReads.entry(change), inForce)
                    && before != null && !DirectoryEvents.optedOut(before, inForce) && ledgerPersons.get(person) == null && !change.getChangedByIntegration() && !predatesRemoval(person, change)) {
                // Opted out in Salesforce just now (I2): the sales side learns it within this poll, not at night, and the
                // pusher takes it to the person's other records. Only a turn the directory saw (listed not opted out, then
                // opted out) that a user made: a record first read already opted out (a full load, a record new to this
                // email, or one our own push reached before any poll) is the nightly run's to bring over, as an opt-out that
                // was already there; one whose last change is our own write (LastModifiedById our user: a push that landed
                // after the person's removal, read back) is ours, not the user's.
                LOG.info("{} {} of {} was opted out in Salesforce: recording the person as unsubscribed on the sales side", change.getObjectType(),
                        change.getId(), PersonKey.masked(person));
                context.forward(new Record<String, Object>(person, DirectoryEvents.optedOutInSalesforce(change, inForce, now), record.timestamp()), "to-directory-events");
            }
            if (joined && ledgerPersons.get(person) != null && !change.getIsConverted() && notOptedOut(change)) {
                LOG.info("{} {} joined {}, who is unsubscribed: asking the pusher to opt it out", change.getObjectType(), change.getId(), PersonKey.masked(person));
                context.forward(new Record<String, Object>(person, push(person, change, now), record.timestamp()), "to-directory-pushes");
            }
        }

        /**
         * Whether Salesforce stamped this version of the record before the person's last removal: the opt-out was there
         * when they were removed (our own push read back, or a user's check the removal overruled), so it comes back at
         * the nightly run, never sooner (rule 4), and is not a turn to record now.
         */
        private boolean predatesRemoval(String person, SalesforceRecord change) {
            Long removed = removals.get(person);
            if (removed == null || change.getSystemModstamp() == null || change.getSystemModstamp().toEpochMilli() > removed) {
                return false;
            }
            LOG.info("{} {} of {} reads opted out, stamped before the person's removal: left to the nightly run", change.getObjectType(), change.getId(),
                    PersonKey.masked(person));
            return true;
        }

        private static boolean notOptedOut(SalesforceRecord record) {
            return !record.getEmailOptOut() || Boolean.FALSE.equals(record.getMarketoSalesOptOut());
        }

        private static UnsubscribeRecorded push(String person, SalesforceRecord record, Instant now) {
            return DirectoryEvents.push(person, record.getId(), record.getObjectType(), record.getEmail(), record.getSystemModstamp(), now);
        }
    }
}
