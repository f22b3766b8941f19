package dev.unsubsync.reconciler.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.reconciler.directory.DirectoryTopology;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.InMemoryAvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's topology, driven by Kafka Streams' own test driver with Avro through a registry in memory: the ledger,
 * the re-key by Salesforce ID, the diff's union rule both ways and its counts. (The driver runs every partition as one.)
 */
class ReconcileTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private static final String ADA_CONTACT = SalesforceId.of("003", "Dn0000000001").to18();
    private static final String ADA_LEAD = SalesforceId.of("00Q", "Dn0000000001").to18();
    private static final String GRACE_CONTACT = SalesforceId.of("003", "Dn0000000002").to18();
    private static final String LINUS_LEAD = SalesforceId.of("00Q", "Dn0000000003").to18();
    private static final String NO_EMAIL_CONTACT = SalesforceId.of("003", "Dn0000000009").to18();

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> events;
    private TestInputTopic<String, SalesforceOptOut> snapshot;
    private TestInputTopic<String, DiffScanRequest> control;
    private TestOutputTopic<String, UnsubscribeRecorded> ledger;
    private TestOutputTopic<String, UnsubscribeRecorded> pushes;
    private TestOutputTopic<String, SpecificRecord> eventsOut;
    private TestOutputTopic<String, ReconcileTally> tallies;

    // One set of serdes for the class, over one registry in memory: the rules run without a registry process.
    private static InMemoryAvroSerde<SpecificRecord> anyEvent;
    private static InMemoryAvroSerde<UnsubscribeRecorded> recorded;
    private static InMemoryAvroSerde<SalesforceOptOut> optOuts;
    private static InMemoryAvroSerde<DiffScanRequest> scans;
    private static InMemoryAvroSerde<ReconcileTally> tally;
    private static InMemoryAvroSerde<SalesforceRecord> sfRecords;
    private static InMemoryAvroSerde<SalesforcePeople> people;
    private TestInputTopic<String, SalesforceRecord> directoryIn;
    /** The settings the topology follows; the nightly sync off by default, as shipped. */
    private final java.util.concurrent.atomic.AtomicReference<dev.unsubsync.events.SyncSettings> settings = new java.util.concurrent.atomic.AtomicReference<>(
            dev.unsubsync.events.SyncSettings.newBuilder().build());
    private TestOutputTopic<String, SalesforcePeople> directory;

    @BeforeAll
    static void serdes() {
        anyEvent = new InMemoryAvroSerde<>();
        recorded = anyEvent.of(UnsubscribeRecorded.class);
        optOuts = anyEvent.of(SalesforceOptOut.class);
        scans = anyEvent.of(DiffScanRequest.class);
        tally = anyEvent.of(ReconcileTally.class);
        sfRecords = anyEvent.of(SalesforceRecord.class);
        people = anyEvent.of(SalesforcePeople.class);
    }

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "reconcile-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/reconcile-topology-test-" + System.nanoTime());
        driver = new TopologyTestDriver(ReconcileTopology.build(new dev.unsubsync.kit.kafka.TopicSerdes(anyEvent),
                Clock.fixed(NOW, ZoneOffset.UTC), settings::get), props);
        events = driver.createInputTopic(Topics.UNSUBSCRIBE_EVENTS.name(), Serdes.String().serializer(), anyEvent.serializer());
        snapshot = driver.createInputTopic(Topics.SALESFORCE_OPTOUTS.name(), Serdes.String().serializer(), optOuts.serializer());
        control = driver.createInputTopic(Topics.RECONCILE_CONTROL.name(), Serdes.String().serializer(), scans.serializer());
        ledger = driver.createOutputTopic(Topics.UNSUBSCRIBE_LEDGER.name(), Serdes.String().deserializer(), recorded.deserializer());
        pushes = driver.createOutputTopic(Topics.RECONCILE_PUSHES.name(), Serdes.String().deserializer(), recorded.deserializer());
        eventsOut = driver.createOutputTopic(Topics.UNSUBSCRIBE_EVENTS.name(), Serdes.String().deserializer(), anyEvent.deserializer());
        tallies = driver.createOutputTopic(Topics.RECONCILE_TALLIES.name(), Serdes.String().deserializer(), tally.deserializer());
        directoryIn = driver.createInputTopic(Topics.SALESFORCE_RECORDS.name(), Serdes.String().serializer(), sfRecords.serializer());
        directory = driver.createOutputTopic(Topics.SALESFORCE_PEOPLE.name(), Serdes.String().deserializer(), people.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aRecordSetsThePersonInTheLedgerAndARemovalTombstonesThem() {
        events.pipeInput("ada@example.com", recorded("ada@example.com", null));
        events.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("r1").setEmail("ada@example.com")
                .setRemovedBy("admin").setOccurredAt(NOW).setRecordedAt(NOW).build());

        assertEquals("ada@example.com", ledger.readKeyValue().value.getEmail());
        assertNull(ledger.readKeyValue().value, "a removal tombstones the person in the compacted ledger");
        assertTrue(ledger.isEmpty());
    }

    @Test
    void anOlderResubscribeArrivingAfterANewerUnsubscribeLeavesThePersonInTheLedger() {
        // An SNS re-subscribe from an hour ago, retried, reaches us after the person unsubscribed again just now.
        events.pipeInput("ada@example.com", recorded("ada@example.com", null));
        events.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("late").setEmail("ada@example.com").setRemovedBy("ses")
                .setOccurredAt(NOW.minusSeconds(3600)).setRecordedAt(NOW.plusSeconds(5)).build());
        // A newer re-subscribe does take effect.
        events.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("new").setEmail("ada@example.com").setRemovedBy("ses")
                .setOccurredAt(NOW.plusSeconds(60)).setRecordedAt(NOW.plusSeconds(61)).build());

        List<TestRecord<String, UnsubscribeRecorded>> entries = ledger.readRecordsToList();
        assertEquals(2, entries.size(), "the older re-subscribe wrote nothing: " + entries);
        assertEquals("ada@example.com", entries.getFirst().value().getEmail());
        assertNull(entries.get(1).value(), "the newer re-subscribe tombstones the person");
    }

    @Test
    void anUnsubscribeFromOneTopicIsNotAnOptOutForTheLedger() {
        events.pipeInput("ada@example.com", UnsubscribeRecorded.newBuilder(recorded("ada@example.com", ADA_CONTACT)).setTopic("ses:News:Weekly").build());
        events.pipeInput("ada@example.com", recorded("ada@example.com", ADA_CONTACT));
        events.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("r2").setEmail("ada@example.com").setRemovedBy("sendgrid")
                .setTopic("ses:News:Weekly").setOccurredAt(NOW).setRecordedAt(NOW).build());

        List<TestRecord<String, UnsubscribeRecorded>> entries = ledger.readRecordsToList();
        assertEquals(1, entries.size(), "only the all-email unsubscribe sets the ledger; a topic re-subscribe removes nothing");
        assertNull(entries.getFirst().value().getTopic());
    }

    @Test
    void theDiffIsAUnionBothWaysAndCountsWhatItLeavesAlone() {
        events.pipeInput("ada@example.com", recorded("ada@example.com", ADA_CONTACT)); // in Salesforce too: in sync
        events.pipeInput("grace@example.com", recorded("grace@example.com", GRACE_CONTACT)); // Salesforce lacks it: push
        events.pipeInput("nobody@example.com", recorded("nobody@example.com", null)); // no Salesforce ID: reported
        snapshot.pipeInput(ADA_CONTACT, optOut(ADA_CONTACT, "Ada@Example.com", "run-1#1"));
        snapshot.pipeInput(ADA_LEAD, optOut(ADA_LEAD, "ada@example.com", "run-1#1")); // same person: already unsubscribed
        snapshot.pipeInput(LINUS_LEAD, optOut(LINUS_LEAD, "Linus@Example.com", "run-1#1")); // sales side lacks it: record
        snapshot.pipeInput(NO_EMAIL_CONTACT, optOut(NO_EMAIL_CONTACT, null, "run-1#1")); // no email: reported
        eventsOut.readRecordsToList(); // the test events themselves

        control.pipeInput("run-1#1", scan("run-1#1"));

        List<TestRecord<String, UnsubscribeRecorded>> pushed = pushes.readRecordsToList();
        assertEquals(List.of("grace@example.com"), pushed.stream().map(TestRecord::key).toList());
        assertEquals(GRACE_CONTACT, pushed.getFirst().value().getSalesforceId());
        assertEquals("run-1#1", new String(pushed.getFirst().headers().lastHeader(Topics.RUN_ID_HEADER).value(), StandardCharsets.UTF_8));

        List<TestRecord<String, SpecificRecord>> recordedOnSalesSide = eventsOut.readRecordsToList();
        assertEquals(List.of("linus@example.com"), recordedOnSalesSide.stream().map(TestRecord::key).toList());
        UnsubscribeRecorded linus = (UnsubscribeRecorded) recordedOnSalesSide.getFirst().value();
        assertEquals(UnsubscribeSource.SALESFORCE_SYNC, linus.getSource());
        assertEquals(LINUS_LEAD, linus.getSalesforceId());
        assertEquals(PersonType.LEAD, linus.getPersonType());
        assertEquals("Linus@Example.com", linus.getEmail(), "the address is kept as Salesforce holds it");
        assertNull(recordedOnSalesSide.getFirst().headers().lastHeader(Topics.RUN_ID_HEADER),
                "a recorded unsubscribe is an ordinary event: the pusher's answers to it are not the run's pushes");

        Map<String, Long> diff = new HashMap<>();
        Map<String, Long> salesSide = new HashMap<>();
        for (ReconcileTally tally : tallies.readValuesToList()) {
            Map<String, Long> into = tally.getStep() == TallyStep.DIFF_PARTITION ? diff : salesSide;
            tally.getCounts().forEach((name, count) -> into.merge(name, count, Long::sum));
        }
        assertEquals(2L, diff.get(ReconcileTopology.SALES_ENTRIES));
        assertEquals(4L, diff.get(ReconcileTopology.SALESFORCE_ENTRIES));
        assertEquals(1L, diff.get(ReconcileTopology.IN_SYNC));
        assertEquals(1L, diff.get(ReconcileTopology.TO_SALESFORCE));
        assertEquals(2L, diff.get(ReconcileTopology.TO_SALES_SIDE), "Ada's Lead and Linus's Lead are Salesforce-only records");
        assertEquals(1L, diff.get(ReconcileTopology.NO_ID));
        assertEquals(1L, diff.get(ReconcileTopology.NO_EMAIL));
        assertEquals(1L, salesSide.get(ReconcileTopology.RECORDED));
        assertEquals(1L, salesSide.get(ReconcileTopology.ALREADY_BY_EMAIL), "Ada is unsubscribed already, under her Contact");
    }

    @Test
    void snapshotEntriesOfAnOlderRunAreTombstonedAndPushedAgain() {
        events.pipeInput("grace@example.com", recorded("grace@example.com", GRACE_CONTACT));
        snapshot.pipeInput(GRACE_CONTACT, optOut(GRACE_CONTACT, "grace@example.com", "run-1#1"));
        control.pipeInput("run-1#1", scan("run-1#1"));
        assertTrue(pushes.isEmpty(), "in sync in run 1");
        tallies.readRecordsToList();

        // Someone unchecked Email Opt Out in Salesforce: run 2's snapshot does not see Grace.
        control.pipeInput("run-2#1", scan("run-2#1"));

        assertEquals(List.of("grace@example.com"), pushes.readRecordsToList().stream().map(TestRecord::key).toList(),
                "the sales side's unsubscribe brings Salesforce back");
        ReconcileTally tally = tallies.readValuesToList().stream().filter(t -> t.getStep() == TallyStep.DIFF_PARTITION).findFirst().orElseThrow();
        assertEquals(1L, tally.getCounts().get(ReconcileTopology.STALE));
        control.pipeInput("run-3#1", scan("run-3#1"));
        ReconcileTally third = tallies.readValuesToList().stream().filter(t -> t.getStep() == TallyStep.DIFF_PARTITION).findFirst().orElseThrow();
        assertEquals(0L, third.getCounts().get(ReconcileTopology.STALE), "the stale entry was tombstoned out of the snapshot");
    }

    @Test
    void aPersonWhoseLinkChangesMovesToTheNewSalesforceId() {
        events.pipeInput("ada@example.com", recorded("ada@example.com", ADA_LEAD));
        events.pipeInput("ada@example.com", recorded("ada@example.com", ADA_CONTACT));
        snapshot.pipeInput(ADA_CONTACT, optOut(ADA_CONTACT, "ada@example.com", "run-1#1"));

        control.pipeInput("run-1#1", scan("run-1#1"));

        assertTrue(pushes.isEmpty(), "the old link to the Lead is gone, so nothing is pushed to it");
    }

    @Test
    void withTheMarketoFieldSelectedBothFieldsMustBeSetToBeInSync() {
        events.pipeInput("ada@example.com", recorded("ada@example.com", ADA_CONTACT));
        snapshot.pipeInput(ADA_CONTACT, optOut(ADA_CONTACT, "ada@example.com", "run-1#1")); // Email Opt Out only

        control.pipeInput("run-1#1", DiffScanRequest.newBuilder(scan("run-1#1")).setMarketoSalesOptOutField("Marketo_Sales_Opt_Out__c").build());

        assertEquals(List.of("ada@example.com"), pushes.readRecordsToList().stream().map(TestRecord::key).toList());
    }

    @Test
    void theDirectoryListsEveryContactAndLeadOfAnEmailUnderItsPersonKey() {
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "Ada@Example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_LEAD, sfRecord(ADA_LEAD, "ada@EXAMPLE.com", false, "load-1"));

        Map<String, SalesforcePeople> entries = directory.readKeyValuesToMap();
        assertEquals(List.of(ADA_CONTACT, ADA_LEAD), entries.get("ada@example.com").getRecords().stream().map(DirectoryEntry::getId).toList(),
                "case does not matter: one person, Contacts first");
        assertTrue(pushes.isEmpty(), "nobody is unsubscribed");
    }

    @Test
    void aRecordWhoseEmailChangesMovesToItsNewPersonAndADeletedOneLeaves() {
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@xn--bcher-kva.example", false, "load-1"));
        List<TestRecord<String, SalesforcePeople>> moves = directory.readRecordsToList();
        assertNull(moves.get(1).value(), "the old address has no record left: tombstoned");
        assertEquals("ada@xn--bcher-kva.example", moves.get(2).key());

        directoryIn.pipeInput(ADA_CONTACT, (SalesforceRecord) null);
        TestRecord<String, SalesforcePeople> deleted = directory.readRecord();
        assertEquals("ada@xn--bcher-kva.example", deleted.key());
        assertNull(deleted.value(), "a deleted record is dropped from the directory");
    }

    @Test
    void anOlderVersionsSweepMarkerDropsNothing() {
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_LEAD, sfRecord(ADA_LEAD, "ada@example.com", false, "load-1"));
        directory.readRecordsToList();

        // Versions before 2026-12-02 swept in-band; the markers stay on the compacted topic and may be read again.
        directoryIn.pipeInput(new TestRecord<>(Topics.DIRECTORY_SWEEP_KEY, null,
                new org.apache.kafka.common.header.internals.RecordHeaders().add("unsubsync.directory-load", "load-2".getBytes(StandardCharsets.UTF_8)), NOW));

        assertTrue(directory.isEmpty(), "a full load tombstones what it did not read itself (DirectoryLoad); the marker changes nothing");
        assertTrue(pushes.isEmpty());
    }

    @Test
    void aRecordSeenAgainUnchangedLeavesThePersonsEntryAlone() {
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-1"));
        directory.readRecordsToList();

        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-2"));
        assertTrue(directory.isEmpty(), "a poll's overlap (or an edit of another field) writes nothing");

        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", true, "load-2"));
        assertTrue(directory.readValue().getRecords().getFirst().getEmailOptOut(), "a change of what the directory keeps goes through");
    }

    @Test
    void aRecordThatAppearsForAnUnsubscribedPersonIsPushedOnceAndAnUncheckedOneIsNot() {
        events.pipeInput("linus@example.com", recorded("Linus@example.com", null));
        directoryIn.pipeInput(LINUS_LEAD, sfRecord(LINUS_LEAD, "LINUS@example.com", false, "load-1"));

        List<TestRecord<String, UnsubscribeRecorded>> pushed = pushes.readRecordsToList();
        assertEquals(1, pushed.size());
        assertEquals("linus@example.com", pushed.getFirst().key());
        assertEquals(LINUS_LEAD, pushed.getFirst().value().getSalesforceId());
        assertNull(pushed.getFirst().headers().lastHeader(Topics.RUN_ID_HEADER), "no nightly run asked for it");

        // The pusher wrote it, the poll sees it opted out; later an admin unchecks it in Salesforce.
        directoryIn.pipeInput(LINUS_LEAD, sfRecord(LINUS_LEAD, "linus@example.com", true, "load-1"));
        directoryIn.pipeInput(LINUS_LEAD, sfRecord(LINUS_LEAD, "linus@example.com", false, "load-1"));
        assertTrue(pushes.isEmpty(), "an unchecked opt-out comes back at night (when enabled), not here");

        directoryIn.pipeInput(GRACE_CONTACT, sfRecord(GRACE_CONTACT, "grace@example.com", false, "load-1"));
        assertTrue(pushes.isEmpty(), "Grace never unsubscribed");
    }

    @Test
    void aRecordThatReachedTheDirectoryBeforeItsPersonReachedTheLedgerIsPushedWhenTheyDo() {
        // The reconciler catches up on a backlog: the Lead is in the directory first, the unsubscribe reaches the ledger later.
        directoryIn.pipeInput(LINUS_LEAD, sfRecord(LINUS_LEAD, "linus@example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "linus@example.com", true, "load-1"));
        assertTrue(pushes.isEmpty(), "nobody is unsubscribed yet");

        events.pipeInput("linus@example.com", recorded("Linus@example.com", null));

        List<TestRecord<String, UnsubscribeRecorded>> pushed = pushes.readRecordsToList();
        assertEquals(List.of(LINUS_LEAD), pushed.stream().map(r -> r.value().getSalesforceId()).toList(), "the Lead; the Contact is opted out already");
        assertEquals(UnsubscribeSource.SALESFORCE_SYNC, pushed.getFirst().value().getSource());
        assertEquals(DirectoryTopology.ORIGIN, pushed.getFirst().value().getOrigin());

        events.pipeInput("linus@example.com", recorded("linus@example.com", LINUS_LEAD));
        assertTrue(pushes.isEmpty(), "a person already in the ledger: the pusher has the directory's records for them");
    }

    @Test
    void anOptOutTurnedOnInSalesforceRecordsThePersonOnTheSalesSideWithinThePollWhileTheSyncIsEnabled() {
        settings.set(dev.unsubsync.events.SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "Ada@Example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_LEAD, sfRecord(ADA_LEAD, "ada@example.com", false, "load-1"));
        assertTrue(eventsOut.isEmpty());

        // A user checks Email Opt Out on Ada's Contact; the next poll reads it.
        directoryIn.pipeInput(ADA_CONTACT, SalesforceRecord.newBuilder(sfRecord(ADA_CONTACT, "Ada@Example.com", true, "load-1"))
                .setSystemModstamp(NOW.plusSeconds(30)).build());

        List<TestRecord<String, SpecificRecord>> recordedOnSalesSide = eventsOut.readRecordsToList();
        assertEquals(List.of("ada@example.com"), recordedOnSalesSide.stream().map(TestRecord::key).toList());
        UnsubscribeRecorded ada = (UnsubscribeRecorded) recordedOnSalesSide.getFirst().value();
        assertEquals(UnsubscribeSource.SALESFORCE_SYNC, ada.getSource());
        assertEquals(DirectoryTopology.ORIGIN, ada.getOrigin());
        assertEquals(ADA_CONTACT, ada.getSalesforceId());
        assertNull(ada.getTopic());

        // Read again (a poll's overlap): unchanged, nothing new. Once Ada is in the ledger, another record turning true adds nothing.
        directoryIn.pipeInput(ADA_CONTACT, SalesforceRecord.newBuilder(sfRecord(ADA_CONTACT, "Ada@Example.com", true, "load-1"))
                .setSystemModstamp(NOW.plusSeconds(30)).build());
        events.pipeInput("ada@example.com", ada);
        eventsOut.readRecordsToList();
        directoryIn.pipeInput(ADA_LEAD, sfRecord(ADA_LEAD, "ada@example.com", true, "load-1"));
        assertTrue(eventsOut.isEmpty(), "Ada is unsubscribed on the sales side already");
    }

    @Test
    void aRecordFirstReadAlreadyOptedOutIsLeftToTheNightlyRun() {
        settings.set(dev.unsubsync.events.SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        // A full load of an org with opt-outs from before, or a Contact our own push reached before any poll read it.
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", true, "load-1"));
        assertTrue(eventsOut.isEmpty(), "not a turn the directory saw: the nightly run brings an opt-out that was already there");
    }

    @Test
    void withTheSyncDisabledNothingIsRecordedFromSalesforce() {
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-1"));
        directoryIn.pipeInput(ADA_CONTACT, SalesforceRecord.newBuilder(sfRecord(ADA_CONTACT, "ada@example.com", true, "load-1"))
                .setSystemModstamp(NOW.plusSeconds(30)).build());
        assertTrue(eventsOut.isEmpty(), "the Salesforce-to-sales direction is tied to the nightly sync (rule 3)");
    }

    @Test
    void aPersonReachingTheLedgerLongAfterTheirRecordsSettledIsLeftToThePusher() {
        // Records unchanged for a day and listed long before the unsubscribe: the pusher's directory had them.
        directoryIn.pipeInput(LINUS_LEAD, SalesforceRecord.newBuilder(sfRecord(LINUS_LEAD, "linus@example.com", false, "load-1"))
                .setSystemModstamp(NOW.minus(java.time.Duration.ofDays(1))).build());
        events.pipeInput("linus@example.com", UnsubscribeRecorded.newBuilder(recorded("linus@example.com", null))
                .setRecordedAt(NOW.plus(java.time.Duration.ofHours(1))).build());
        assertTrue(pushes.isEmpty(), "no second write of what the pusher wrote itself");
    }

    @Test
    void aTopicOnlyUnsubscribeDoesNotMakeANewRecordOptedOut() {
        events.pipeInput("ada@example.com", UnsubscribeRecorded.newBuilder(recorded("ada@example.com", null)).setTopic("sendgrid:asm-group:3").build());
        directoryIn.pipeInput(ADA_CONTACT, sfRecord(ADA_CONTACT, "ada@example.com", false, "load-1"));
        assertTrue(pushes.isEmpty());
    }

    @Test
    void theNightlyDiffResolvesAnUnsubscribeWithoutIdThroughTheDirectory() {
        // Linus unsubscribed by email only; Salesforce has a Contact (opted out) and a Lead (not) with his address.
        directoryIn.pipeInput(GRACE_CONTACT, sfRecord(GRACE_CONTACT, "linus@example.com", true, "load-1"));
        directoryIn.pipeInput(LINUS_LEAD, sfRecord(LINUS_LEAD, "Linus@Example.com", false, "load-1"));
        events.pipeInput("linus@example.com", recorded("linus@example.com", null));
        events.pipeInput("nobody@example.com", recorded("nobody@example.com", null));
        pushes.readRecordsToList(); // what the ledger pushed at once for the Lead that joined just before the unsubscribe
        eventsOut.readRecordsToList();

        control.pipeInput("run-1#1", scan("run-1#1"));

        List<TestRecord<String, UnsubscribeRecorded>> pushed = pushes.readRecordsToList();
        assertEquals(List.of(LINUS_LEAD), pushed.stream().map(r -> r.value().getSalesforceId()).toList(), "only the record Salesforce lacks");
        assertEquals("run-1#1", new String(pushed.getFirst().headers().lastHeader(Topics.RUN_ID_HEADER).value(), StandardCharsets.UTF_8));
        Map<String, Long> diff = new HashMap<>();
        tallies.readValuesToList().stream().filter(t -> t.getStep() == TallyStep.DIFF_PARTITION)
                .forEach(t -> t.getCounts().forEach((name, count) -> diff.merge(name, count, Long::sum)));
        assertEquals(1L, diff.get(ReconcileTopology.TO_SALESFORCE));
        assertEquals(1L, diff.get(ReconcileTopology.IN_SYNC));
        assertEquals(1L, diff.get(ReconcileTopology.NO_ID), "only the person with no record at all");
    }

    private static SalesforceRecord sfRecord(String id, String email, boolean optedOut, String loadId) {
        return SalesforceRecord.newBuilder().setId(id).setObjectType(id.startsWith("003") ? "Contact" : "Lead").setEmail(email)
                .setEmailOptOut(optedOut).setSystemModstamp(NOW).setLoadId(loadId).build();
    }

    private static DiffScanRequest scan(String pass) {
        return DiffScanRequest.newBuilder().setRunId(pass).setSyncToEmailOptOut(true).setRequestedAt(NOW).build();
    }

    private static SalesforceOptOut optOut(String id, String email, String pass) {
        return SalesforceOptOut.newBuilder().setSalesforceId(id).setObjectType(id.startsWith("003") ? "Contact" : "Lead").setEmail(email)
                .setEmailOptOut(true).setSnapshotRunId(pass).setSeenAt(NOW).build();
    }

    private static UnsubscribeRecorded recorded(String email, String salesforceId) {
        return UnsubscribeRecorded.newBuilder().setEventId(email + salesforceId).setEmail(email).setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(NOW).setRecordedAt(NOW).build();
    }
}
