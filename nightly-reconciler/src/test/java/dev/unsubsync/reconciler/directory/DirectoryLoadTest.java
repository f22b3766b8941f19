package dev.unsubsync.reconciler.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A full load's writes to salesforce-records over the real broker and registry: a reload writes only what changed, and
 * tombstones what it did not read, from what the topic itself holds.
 */
@ExtendWith(RealInfrastructureExtension.class)
class DirectoryLoadTest {

    private static final Instant MODSTAMP = Instant.parse("2026-12-01T04:00:00Z");
    private static TopicClients topics;

    @BeforeAll
    static void topics() throws Exception {
        EventClasses.trust();
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        topics = TopicClients.of(infra);
    }

    @Test
    void aReloadWritesOnlyWhatChangedAndTombstonesWhatSalesforceNoLongerHas() throws Exception {
        String run = randomNumber();
        String ada = SalesforceId.of("003", run + "001").to18();
        String bea = SalesforceId.of("00Q", run + "002").to18();
        String cyd = SalesforceId.of("003", run + "003").to18();

        DirectoryLoad first = load(load -> {
            load.accept(record(ada, "ada@example.com", false));
            load.accept(record(bea, "bea@example.com", false));
            load.accept(record(cyd, "cyd@example.com", false));
        });
        assertEquals(3, first.written());

        DirectoryLoad second = load(load -> {
            load.accept(record(ada, "ada@example.com", false));
            load.accept(record(bea, "bea@example.com", true));
        });
        assertEquals(2, second.read());
        assertEquals(1, second.written(), "only Bea's change is written again");
        assertTrue(second.gone() >= 1, "Cyd, whom the load did not read, is tombstoned (and whatever other tests left)");

        Map<String, ConsumerRecord<String, byte[]>> latest = latest(List.of(ada, bea, cyd), 5);
        assertNotNull(latest.get(ada).value());
        assertNotNull(latest.get(ada).headers().lastHeader(Topics.DIRECTORY_FINGERPRINT_HEADER), "each record carries its fingerprint");
        assertNotNull(latest.get(bea).value());
        assertNull(latest.get(cyd).value(), "gone from Salesforce: tombstoned");

        DirectoryLoad third = load(load -> {
            load.accept(record(ada, "ada@example.com", false));
            load.accept(record(bea, "bea@example.com", true));
            load.accept(record(cyd, "cyd@example.com", false));
        });
        assertEquals(1, third.written(), "Cyd is back (undeleted): written again; nothing else");
        assertEquals(0, third.gone());
    }

    @Test
    void aLeaderThatKeepsTheImageWritesWhatOneReadFromTheTopicWould() throws Exception {
        String run = randomNumber();
        String ada = SalesforceId.of("003", run + "001").to18();
        String bea = SalesforceId.of("00Q", run + "002").to18();
        String cyd = SalesforceId.of("003", run + "003").to18();
        DirectoryLoad first = load(null, load -> {
            load.accept(record(ada, "ada@example.com", false));
            load.accept(record(bea, "bea@example.com", false));
        });

        DirectoryLoad second = load(first.imageAfter(), load -> {
            load.accept(record(ada, "ada@example.com", true));
            load.accept(record(cyd, "cyd@example.com", false));
        });
        assertEquals(2, second.written(), "Ada changed, Cyd is new");
        assertEquals(1, second.gone(), "Bea is gone: the kept image held her");

        DirectoryLoad third = load(second.imageAfter(), load -> {
            load.accept(record(ada, "ada@example.com", true));
            load.accept(record(cyd, "cyd@example.com", false));
        });
        assertEquals(0, third.written(), "what the last load wrote is known as written");
        assertEquals(0, third.gone(), "a record the last load wrote new is not taken for gone");

        Map<String, ConsumerRecord<String, byte[]>> latest = latest(List.of(ada, bea, cyd), 5);
        assertNull(latest.get(bea).value());
        assertNotNull(latest.get(cyd).value());
    }

    @Test
    void aRecordWrittenBeforeFingerprintsIsWrittenOnceMoreThenLeftAlone() throws Exception {
        String old = SalesforceId.of("003", randomNumber() + "001").to18();
        try (KafkaProducer<String, SpecificRecord> producer = topics.avroProducer()) {
            producer.send(new ProducerRecord<>(Topics.SALESFORCE_RECORDS.name(), old, record(old, "old@example.com", false))).get();
            // An older version's sweep marker, still on the topic: not a record, never tombstoned.
            producer.send(new ProducerRecord<>(Topics.SALESFORCE_RECORDS.name(), Topics.DIRECTORY_SWEEP_KEY, null)).get();
        }
        assertEquals(1, load(load -> load.accept(record(old, "old@example.com", false))).written());
        DirectoryLoad again = load(load -> load.accept(record(old, "old@example.com", false)));
        assertEquals(0, again.written());
        assertEquals(0, again.gone(), "the topic holds nothing the load did not read");
    }

    /** A full load that reads what {@code reads} gives it, over everything salesforce-records holds now. */
    private static DirectoryLoad load(Consumer<DirectoryLoad> reads) throws Exception {
        return load(null, reads);
    }

    /** A full load over {@code kept} (what the last load left), or over the topic read anew when null. */
    private static DirectoryLoad load(RecordImage kept, Consumer<DirectoryLoad> reads) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", TestInfrastructure.get().bootstrapServers()));
        try (KafkaProducer<String, SpecificRecord> producer = topics.avroProducer()) {
            DirectoryLoad load = new DirectoryLoad(producer::send, kept != null
                    ? CompletableFuture.completedFuture(kept)
                    : DirectoryLoad.readImage(config, 0, Duration.ofMinutes(1)));
            reads.accept(load);
            load.sweep();
            producer.flush();
            assertNull(load.failure());
            return load;
        }
    }

    /** The latest record of each ID on the topic, once all {@code writes} of them are there. */
    private static Map<String, ConsumerRecord<String, byte[]>> latest(List<String> ids, int writes) {
        List<ConsumerRecord<String, byte[]>> found = topics.readRaw(Topics.SALESFORCE_RECORDS.name(), r -> ids.contains(r.key()), writes,
                Duration.ofSeconds(30));
        Map<String, ConsumerRecord<String, byte[]>> latest = new HashMap<>();
        found.forEach(r -> latest.put(r.key(), r));
        return latest;
    }

    private static SalesforceRecord record(String id, String email, boolean optedOut) {
        return new SalesforceRecord(id, id.startsWith("00Q") ? "Lead" : "Contact", email, optedOut, null, false, null, MODSTAMP, "load-test", false, false);
    }

    /** Nine random characters: each test's records are its own on the shared topic. */
    private static String randomNumber() {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder number = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            number.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return number.toString();
    }
}
