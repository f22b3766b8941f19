package dev.unsubsync.reconciler.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroSerde;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The ledger topology, driven by Kafka Streams' own test driver with Avro through the real registry. */
class LedgerTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");

    @Test
    void aRecordSetsThePersonAndARemovalTombstonesThem() {
        EventClasses.trust();
        Map<String, Object> registry = Map.of(
                "apicurio.registry.url", TestInfrastructure.get().registry().apiUrl(),
                "apicurio.registry.auto-register", true,
                "apicurio.registry.dereference-schema", true,
                "apicurio.registry.use-specific-avro-reader", true,
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.TopicRecordIdStrategy");
        AvroSerde<SpecificRecord> events = new AvroSerde<>();
        events.configure(registry, false);
        AvroSerde<UnsubscribeRecorded> ledger = new AvroSerde<>();
        ledger.configure(registry, false);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ledger-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(LedgerTopology.build(events, ledger), props)) {
            TestInputTopic<String, SpecificRecord> in = driver.createInputTopic(Topics.UNSUBSCRIBE_EVENTS.name(), Serdes.String().serializer(), events.serializer());
            TestOutputTopic<String, UnsubscribeRecorded> out = driver.createOutputTopic(Topics.UNSUBSCRIBE_LEDGER.name(), Serdes.String().deserializer(), ledger.deserializer());

            in.pipeInput("ada@example.com", recorded("ada@example.com"));
            in.pipeInput("grace@example.com", recorded("grace@example.com"));
            in.pipeInput("ada@example.com", UnsubscribeRemoved.newBuilder().setEventId("r1").setEmail("ada@example.com")
                    .setRemovedBy("admin").setOccurredAt(NOW).setRecordedAt(NOW).build());

            KeyValue<String, UnsubscribeRecorded> first = out.readKeyValue();
            assertEquals("ada@example.com", first.key);
            assertEquals("ada@example.com", first.value.getEmail());
            assertEquals("grace@example.com", out.readKeyValue().key);
            KeyValue<String, UnsubscribeRecorded> tombstone = out.readKeyValue();
            assertEquals("ada@example.com", tombstone.key);
            assertNull(tombstone.value, "a removal tombstones the person in the compacted ledger");
            assertTrue(out.isEmpty());
        }
    }

    private static UnsubscribeRecorded recorded(String email) {
        return UnsubscribeRecorded.newBuilder().setEventId(email).setEmail(email).setPersonType(PersonType.UNKNOWN)
                .setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(NOW).setRecordedAt(NOW).build();
    }
}
