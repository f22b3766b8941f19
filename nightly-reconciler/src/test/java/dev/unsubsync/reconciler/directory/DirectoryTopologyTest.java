package dev.unsubsync.reconciler.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.InMemoryAvroSerde;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The people directory alone, driven by Kafka Streams' test driver over a registry in memory: records read from
 * Salesforce become one entry per person; a record joining an unsubscribed person is pushed; a user's opt-out in
 * Salesforce is recorded on the sales side while the sync is enabled. The ledger's stores are the test's to fill (in the
 * service the ledger's re-key keeps them; how both work together is {@code ReconcileTopologyTest}'s).
 */
class DirectoryTopologyTest {

    private static final Instant NOW = Instant.parse("2026-12-07T18:00:00Z");
    private static final String ADA_CONTACT = SalesforceId.of("003", "Dn0000000001").to18();
    private static final String ADA_LEAD = SalesforceId.of("00Q", "Dn0000000001").to18();
    private static final String LEDGER_PERSONS = "ledger-persons";
    private static final String LEDGER_REMOVALS = "ledger-removals";

    private final AtomicReference<SyncSettings> settings = new AtomicReference<>(SyncSettings.newBuilder().build());
    private TopologyTestDriver driver;
    private TestInputTopic<String, SalesforceRecord> records;
    private TestOutputTopic<String, SalesforcePeople> people;
    private TestOutputTopic<String, UnsubscribeRecorded> pushes;
    private TestOutputTopic<String, SpecificRecord> events;
    private KeyValueStore<String, String> ledgerPersons;

    @BeforeEach
    void start() {
        InMemoryAvroSerde<SpecificRecord> avro = new InMemoryAvroSerde<>();
        Topology topology = new Topology();
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LEDGER_PERSONS), Serdes.String(), Serdes.String()));
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LEDGER_REMOVALS), Serdes.String(), Serdes.Long()));
        DirectoryTopology.addTo(topology, avro.of(SalesforceRecord.class), avro.of(SalesforcePeople.class), avro.of(UnsubscribeRecorded.class),
                new DirectoryTopology.LedgerStores(LEDGER_PERSONS, LEDGER_REMOVALS), Clock.fixed(NOW, ZoneOffset.UTC), settings::get);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "directory-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/directory-topology-test-" + System.nanoTime());
        driver = new TopologyTestDriver(topology, props);
        records = driver.createInputTopic(Topics.SALESFORCE_RECORDS.name(), Serdes.String().serializer(), avro.of(SalesforceRecord.class).serializer());
        people = driver.createOutputTopic(Topics.SALESFORCE_PEOPLE.name(), Serdes.String().deserializer(), avro.of(SalesforcePeople.class).deserializer());
        pushes = driver.createOutputTopic(Topics.RECONCILE_PUSHES.name(), Serdes.String().deserializer(), avro.of(UnsubscribeRecorded.class).deserializer());
        events = driver.createOutputTopic(Topics.UNSUBSCRIBE_EVENTS.name(), Serdes.String().deserializer(), avro.deserializer());
        ledgerPersons = driver.getKeyValueStore(LEDGER_PERSONS);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void recordsWithOnePersonsAddressInAnyCaseBecomeOneEntry() {
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "Ada@Example.com", false, NOW));
        records.pipeInput(ADA_LEAD, record(ADA_LEAD, "ada@example.COM", false, NOW));

        Map<String, SalesforcePeople> entries = people.readKeyValuesToMap();
        assertEquals(List.of("ada@example.com"), List.copyOf(entries.keySet()));
        assertEquals(List.of(ADA_CONTACT, ADA_LEAD), entries.get("ada@example.com").getRecords().stream().map(DirectoryEntry::getId).sorted().toList());
    }

    @Test
    void aRecordWhoseEmailChangesLeavesItsOldPersonAndJoinsTheNewOne() {
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada@example.com", false, NOW));
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada.lovelace@example.com", false, NOW.plusSeconds(60)));

        Map<String, SalesforcePeople> entries = people.readKeyValuesToMap();
        assertTrue(entries.containsKey("ada@example.com") && entries.get("ada@example.com") == null, "the old person's entry is gone: " + entries);
        assertEquals(ADA_CONTACT, entries.get("ada.lovelace@example.com").getRecords().getFirst().getId());
    }

    @Test
    void aRecordThatJoinsAPersonTheLedgerHoldsUnsubscribedIsPushedAndOneAlreadyOptedOutIsNot() {
        ledgerPersons.put("ada@example.com", "~");

        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada@example.com", true, NOW));
        assertTrue(pushes.isEmpty(), "opted out already: nothing to write");

        records.pipeInput(ADA_LEAD, record(ADA_LEAD, "Ada@example.com", false, NOW));
        List<UnsubscribeRecorded> pushed = pushes.readValuesToList();
        assertEquals(List.of(ADA_LEAD), pushed.stream().map(UnsubscribeRecorded::getSalesforceId).toList());
        assertEquals(DirectoryTopology.ORIGIN, pushed.getFirst().getOrigin());
        assertTrue(events.isEmpty(), "a push for a person already unsubscribed records nothing new on the sales side");
    }

    @Test
    void aUsersOptOutInSalesforceIsRecordedOnTheSalesSideOnlyWhileTheSyncIsEnabled() {
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada@example.com", false, NOW));
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada@example.com", true, NOW.plusSeconds(30)));
        assertTrue(events.isEmpty(), "the sync is off: Salesforce's opt-outs stay in Salesforce");

        settings.set(SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        records.pipeInput(ADA_LEAD, record(ADA_LEAD, "ada@example.com", false, NOW));
        records.pipeInput(ADA_LEAD, record(ADA_LEAD, "ada@example.com", true, NOW.plusSeconds(60)));
        List<SpecificRecord> recorded = events.readValuesToList();
        assertEquals(1, recorded.size());
        UnsubscribeRecorded ada = (UnsubscribeRecorded) recorded.getFirst();
        assertEquals(UnsubscribeSource.SALESFORCE_SYNC, ada.getSource());
        assertEquals(ADA_LEAD, ada.getSalesforceId());
    }

    @Test
    void anOptOutOurOwnPushWroteIsNotReadBackAsAUsers() {
        settings.set(SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        records.pipeInput(ADA_CONTACT, record(ADA_CONTACT, "ada@example.com", false, NOW));
        records.pipeInput(ADA_CONTACT, SalesforceRecord.newBuilder(record(ADA_CONTACT, "ada@example.com", true, NOW.plusSeconds(30)))
                .setChangedByIntegration(true).build());

        assertTrue(events.isEmpty(), "the integration user's own write is not a turn in Salesforce");
        assertFalse(people.readKeyValuesToMap().get("ada@example.com").getRecords().isEmpty());
    }

    private static SalesforceRecord record(String id, String email, boolean optedOut, Instant modstamp) {
        return SalesforceRecord.newBuilder().setId(id).setObjectType(id.startsWith("003") ? "Contact" : "Lead").setEmail(email)
                .setEmailOptOut(optedOut).setSystemModstamp(modstamp).setLoadId("load-1").build();
    }
}
