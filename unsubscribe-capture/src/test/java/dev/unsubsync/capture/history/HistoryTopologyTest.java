package dev.unsubsync.capture.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.HistoryKind;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.PersonTimeline;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.InMemoryAvroSerde;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The history store's topology, driven by Kafka Streams' test driver over a registry in memory: a person's unsubscribes,
 * removals and push results fold into one history, in the order they happened, and each day's unsubscribes are counted
 * by source.
 */
class HistoryTopologyTest {

    private static final Instant NOW = Instant.parse("2026-12-07T18:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> events;
    private TestInputTopic<String, SpecificRecord> results;
    private KeyValueStore<String, PersonHistory> histories;
    private KeyValueStore<String, Long> daily;

    @BeforeEach
    void start() {
        InMemoryAvroSerde<SpecificRecord> avro = new InMemoryAvroSerde<>();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "history-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/history-topology-test-" + System.nanoTime());
        driver = new TopologyTestDriver(HistoryTopology.build(avro, avro.of(PersonHistory.class)), props);
        events = driver.createInputTopic(Topics.UNSUBSCRIBE_EVENTS.name(), Serdes.String().serializer(), avro.serializer());
        results = driver.createInputTopic(Topics.PUSH_RESULTS.name(), Serdes.String().serializer(), avro.serializer());
        histories = driver.getKeyValueStore(HistoryTopology.STORE);
        daily = driver.getKeyValueStore(HistoryTopology.DAILY_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void anUnsubscribeItsPushResultAndARemovalFoldIntoThePersonsHistoryInOrder() {
        events.pipeInput("ada@example.com", recorded("e1", "Ada@Example.com", NOW));
        results.pipeInput("ada@example.com", OptOutPushResult.newBuilder().setUnsubscribeEventId("e1").setEmail("Ada@Example.com")
                .setOutcome(PushOutcome.WRITTEN).setFieldsWritten(List.of("HasOptedOutOfEmail")).setDecidedAt(NOW.plusSeconds(1)).build());

        PersonHistory ada = histories.get("ada@example.com");
        assertEquals(List.of(HistoryKind.RECORDED, HistoryKind.PUSH_RESULT), ada.getEntries().stream().map(HistoryEntry::getKind).toList());
        PersonTimeline.State state = PersonTimeline.state("ada@example.com", ada);
        assertTrue(state.unsubscribed());
        assertEquals("WRITTEN", state.salesforce().getOutcome());

        events.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("r1").setEmail("ada@example.com").setRemovedBy("admin")
                .setOccurredAt(NOW.plusSeconds(60)).setRecordedAt(NOW.plusSeconds(60)).build());
        assertFalse(PersonTimeline.state("ada@example.com", histories.get("ada@example.com")).unsubscribed(), "the removal took effect");
    }

    @Test
    void eachDaysUnsubscribesAreCountedBySourceAndRemovalsAreNot() {
        events.pipeInput("ada@example.com", recorded("e1", "ada@example.com", NOW));
        events.pipeInput("grace@example.com", recorded("e2", "grace@example.com", NOW));
        events.pipeInput("grace@example.com", UnsubscribeRemoved.newBuilder().setEventId("r1").setEmail("grace@example.com").setRemovedBy("admin")
                .setOccurredAt(NOW).setRecordedAt(NOW).build());

        assertEquals(2L, daily.get("2026-12-07|API"));
    }

    @Test
    void aRecordThatIsNoUnsubscribeEventLeavesNoHistory() {
        // Only unsubscribes, removals and push results are a person's history; anything else on the topics is passed over.
        events.pipeInput("ada@example.com", SalesforceRecord.newBuilder().setId("003Dn0000000001AAA").setObjectType("Contact").build());
        assertNull(histories.get("ada@example.com"));
    }

    private static UnsubscribeRecorded recorded(String eventId, String email, Instant at) {
        return UnsubscribeRecorded.newBuilder().setEventId(eventId).setEmail(email).setSource(UnsubscribeSource.API).setOccurredAt(at)
                .setRecordedAt(at).build();
    }
}
