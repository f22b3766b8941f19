package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The people directory, built from what the reconciler reads of Salesforce ({@code salesforce-records}, keyed by
 * record ID) into one entry per person ({@code salesforce-people}, keyed by person key), in two steps that scale with
 * partitions:
 *
 * <ol>
 *   <li><b>Index</b> ({@link DirectoryIndex}, by record ID): remembers which person each record belongs to, so a record whose email changed, that
 *       was deleted, or that the latest full load did not see (tombstoned by the load) is taken from its old person;
 *       every change goes to {@code salesforce-people-changes}, keyed by the person it joins or leaves.</li>
 *   <li><b>People</b> ({@link DirectoryPeople}, by person, co-partitioned with the ledger): applies the changes to the person's entry and
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
 *
 * <p>A push that did not land because the record was in the recycle bin at the time, and that came back before any
 * poll saw it gone, is asked again when a poll reads the record changed but still not opted out ({@link #AWAITING_STORE}).
 */
public final class DirectoryTopology {

    /**
     * Record ID → the record as {@code salesforce-records} holds it (its bytes), restored from that topic. Named anew when
     * it replaced the changelogged {@code directory-index} (ID → person and content): the old store and its changelog topic
     * ({@code nightly-reconciler-directory-index-changelog}) are no longer read.
     */
    public static final String INDEX_STORE = "directory-records";
    /** Person key → the person's directory entry, as the bytes published on {@code salesforce-people}. */
    public static final String PEOPLE_STORE = "directory-people";
    /**
     * {@code <person>|<record ID>} → when a push was asked for a record of an unsubscribed person (epoch millis), until the
     * directory lists the record opted out or the record leaves the person: a push that did not land (the record was in
     * the recycle bin at the time) is asked again when the record comes back unchanged.
     */
    public static final String AWAITING_STORE = "directory-awaiting";
    /** Origin of the pushes the directory asks for. */
    public static final String ORIGIN = "nightly-reconciler/people-directory";

    private DirectoryTopology() {
    }

    /** The names of the ledger's stores the directory reads: the persons it holds as unsubscribed, and their last removals. */
    public record LedgerStores(String persons, String removals) {
    }

    /**
     * Adds the directory to {@code topology}.
     *
     * @param ledger the ledger's stores the people step reads (its persons and removals, kept by the ledger's re-key)
     */
    public static void addTo(Topology topology, Serde<SalesforceRecord> records, Serde<SalesforcePeople> people, Serde<UnsubscribeRecorded> recorded,
            LedgerStores ledger, Clock clock, Supplier<SyncSettings> settings) {
        StringDeserializer keys = new StringDeserializer();
        StringSerializer keyWriter = new StringSerializer();
        // The index is salesforce-records itself, kept as the topic's bytes in a store the topic restores: no changelog of
        // its own (a write less per record), and a record written again byte for byte costs a lookup.
        topology.addReadOnlyStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE), Serdes.String(), Serdes.ByteArray()),
                "directory-records", keys, new ByteArrayDeserializer(), Topics.SALESFORCE_RECORDS.name(), "directory-index",
                () -> new DirectoryIndex(records.deserializer(), records.serializer()));
        topology.addSink("to-people-changes", Topics.SALESFORCE_PEOPLE_CHANGES.name(), keyWriter, new ByteArraySerializer(), "directory-index");

        topology.addSource("directory-changes", keys, records.deserializer(), Topics.SALESFORCE_PEOPLE_CHANGES.name());
        topology.addProcessor("directory-people", () -> new DirectoryPeople(clock, people.deserializer(), people.serializer(), settings, ledger),
                "directory-changes");
        // Entries kept as the bytes published: each change is encoded once, for the store (and its changelog) and the topic.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PEOPLE_STORE), Serdes.String(), Serdes.ByteArray()),
                "directory-people");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AWAITING_STORE), Serdes.String(), Serdes.Long()), "directory-people");
        topology.connectProcessorAndStateStores("directory-people", ledger.persons(), ledger.removals());
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

    /** The key of {@link #AWAITING_STORE} for a record of a person. */
    public static String awaitingKey(String person, String id) {
        return person + "|" + id;
    }

    /** A change that takes the record from a person. */
    static SalesforceRecord leaving(String id) {
        String type = id.startsWith(SalesforceId.LEAD_PREFIX) ? "Lead" : "Contact";
        return SalesforceRecord.newBuilder().setId(id).setObjectType(type).setDeleted(true).build();
    }

}
