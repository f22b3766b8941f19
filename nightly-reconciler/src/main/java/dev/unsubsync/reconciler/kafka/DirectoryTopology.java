package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
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
 *       was created) is opted out as soon as the directory sees the record, without anyone sending anything again.</li>
 * </ol>
 *
 * A record whose opt-out was unchecked in Salesforce is not a newcomer and is not pushed here: bringing it back is the
 * nightly run's job, and only while the nightly sync is enabled (rule 4).
 */
public final class DirectoryTopology {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryTopology.class);

    /** Record ID → {@code <person key>\t\t<content>}. */
    public static final String INDEX_STORE = "directory-index";
    /** Person key → the person's directory entry. */
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
                      String ledgerPersons, Clock clock) {
        StringDeserializer keys = new StringDeserializer();
        StringSerializer keyWriter = new StringSerializer();
        topology.addSource("directory-records", keys, records.deserializer(), Topics.SALESFORCE_RECORDS.name());
        topology.addProcessor("directory-index", Index::new, "directory-records");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE), Serdes.String(), Serdes.String()), "directory-index");
        topology.addSink("to-people-changes", Topics.SALESFORCE_PEOPLE_CHANGES.name(), keyWriter, records.serializer(), "directory-index");

        topology.addSource("directory-changes", keys, records.deserializer(), Topics.SALESFORCE_PEOPLE_CHANGES.name());
        topology.addProcessor("directory-people", () -> new People(clock), "directory-changes");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PEOPLE_STORE), Serdes.String(), people), "directory-people");
        topology.connectProcessorAndStateStores("directory-people", ledgerPersons);
        topology.addSink("to-people", Topics.SALESFORCE_PEOPLE.name(), keyWriter, people.serializer(), "directory-people");
        topology.addSink("to-directory-pushes", Topics.RECONCILE_PUSHES.name(), keyWriter, recorded.serializer(), "directory-people");
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

    /** Keeps which person each record belongs to and turns record changes into person changes. */
    static final class Index implements Processor<String, SalesforceRecord, String, SalesforceRecord> {
        private ProcessorContext<String, SalesforceRecord> context;
        private KeyValueStore<String, String> index;

        @Override
        public void init(ProcessorContext<String, SalesforceRecord> context) {
            this.context = context;
            this.index = context.getStateStore(INDEX_STORE);
        }

        @Override
        public void process(Record<String, SalesforceRecord> record) {
            String id = record.key();
            if (id == null) {
                return;
            }
            if (id.equals(Topics.DIRECTORY_SWEEP_KEY)) {
                // An older version's sweep marker: a full load now tombstones what it did not read (DirectoryLoad).
                return;
            }
            String previous = index.get(id);
            String[] was = previous == null ? null : previous.split("\t", -1);
            String oldPerson = was == null ? null : was[0];
            SalesforceRecord value = record.value();
            String newPerson = value == null ? null : personOf(value.getEmail());
            if (oldPerson != null && !oldPerson.equals(newPerson)) {
                context.forward(new Record<>(oldPerson, leaving(id), record.timestamp()));
            }
            if (newPerson == null) {
                if (previous != null) {
                    index.delete(id);
                }
                return;
            }
            String content = content(value);
            if (newPerson.equals(oldPerson) && was.length > 2 && was[2].equals(content)) {
                // Seen again with nothing the directory keeps changed (a poll's overlap, an edit of another field): the
                // person's entry stays as it is, and so does the index.
                return;
            }
            // The middle part held the load that last saw the record while full loads swept in-band; kept empty so the
            // layout of entries written before stays readable.
            index.put(id, newPerson + "\t\t" + content);
            value.setDeleted(false);
            context.forward(new Record<>(newPerson, value, record.timestamp()));
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
    static final class People implements Processor<String, SalesforceRecord, String, SpecificRecord> {
        private final Clock clock;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, SalesforcePeople> people;
        private KeyValueStore<String, String> ledgerPersons;

        People(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.people = context.getStateStore(PEOPLE_STORE);
            this.ledgerPersons = context.getStateStore(ReconcileTopology.PERSON_STORE);
        }

        @Override
        public void process(Record<String, SalesforceRecord> record) {
            String person = record.key();
            SalesforceRecord change = record.value();
            if (person == null || change == null) {
                return;
            }
            SalesforcePeople current = people.get(person);
            List<DirectoryEntry> entries = current == null ? new ArrayList<>() : new ArrayList<>(current.getRecords());
            int at = -1;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).getId().equals(change.getId())) {
                    at = i;
                }
            }
            boolean joined = false;
            if (change.getDeleted()) {
                if (at < 0) {
                    return;
                }
                entries.remove(at);
            } else {
                DirectoryEntry entry = entry(change);
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
                context.forward(new Record<String, SpecificRecord>(person, null, record.timestamp()), "to-people");
            } else {
                entries.sort(Comparator.comparing((DirectoryEntry e) -> !e.getObjectType().equals("Contact")).thenComparing(DirectoryEntry::getId));
                SalesforcePeople updated = SalesforcePeople.newBuilder().setRecords(entries).setUpdatedAt(now).build();
                people.put(person, updated);
                context.forward(new Record<String, SpecificRecord>(person, updated, record.timestamp()), "to-people");
            }
            if (joined && ledgerPersons.get(person) != null && !change.getIsConverted() && notOptedOut(change)) {
                LOG.info("{} {} joined {}, who is unsubscribed: asking the pusher to opt it out", change.getObjectType(), change.getId(), PersonKey.masked(person));
                context.forward(new Record<String, SpecificRecord>(person, push(person, change, now), record.timestamp()), "to-directory-pushes");
            }
        }

        private static boolean notOptedOut(SalesforceRecord record) {
            return !record.getEmailOptOut() || Boolean.FALSE.equals(record.getMarketoSalesOptOut());
        }

        private static UnsubscribeRecorded push(String person, SalesforceRecord record, Instant now) {
            String modstamp = record.getSystemModstamp() == null ? "" : String.valueOf(record.getSystemModstamp().toEpochMilli());
            return UnsubscribeRecorded.newBuilder()
                    // One id per record and version: a record that leaves and joins again is pushed again.
                    .setEventId(ReconcileTopology.uuid("directory|" + person + "|" + record.getId() + "|" + modstamp))
                    .setEmail(record.getEmail())
                    .setSalesforceId(record.getId())
                    .setPersonType(record.getId().startsWith(SalesforceId.LEAD_PREFIX) ? PersonType.LEAD : PersonType.CONTACT)
                    .setSource(UnsubscribeSource.SALESFORCE_SYNC)
                    .setScope(UnsubscribeScope.ALL_EMAIL)
                    .setOccurredAt(now)
                    .setRecordedAt(now)
                    .setReason(record.getObjectType() + " " + record.getId() + " appeared in Salesforce with the address of an unsubscribed person")
                    .setOrigin(ORIGIN)
                    .build();
        }

        private static DirectoryEntry entry(SalesforceRecord record) {
            return DirectoryEntry.newBuilder()
                    .setId(record.getId())
                    .setObjectType(record.getObjectType())
                    .setEmail(record.getEmail())
                    .setEmailOptOut(record.getEmailOptOut())
                    .setMarketoSalesOptOut(record.getMarketoSalesOptOut())
                    .setIsConverted(record.getIsConverted())
                    .setConvertedContactId(record.getConvertedContactId())
                    .setSystemModstamp(record.getSystemModstamp())
                    .build();
        }
    }
}
