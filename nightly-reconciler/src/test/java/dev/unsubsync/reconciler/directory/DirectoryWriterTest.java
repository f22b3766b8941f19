package dev.unsubsync.reconciler.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The directory's writes are fenced by leadership term over the real broker: a leader deposed while it was writing (a
 * pause, a partition) never lands a write after the new leader's, and does not get back in by opening again in the term
 * it lost.
 */
@ExtendWith(RealInfrastructureExtension.class)
class DirectoryWriterTest {

    private static TopicClients topics;

    @BeforeAll
    static void topics() throws Exception {
        EventClasses.trust();
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        topics = TopicClients.of(infra);
    }

    @Test
    void aDeposedLeadersLateWriteNeverLandsAfterTheNewLeadersAndItCannotReopenInTheTermItLost() {
        // Each test run its own transactional id, so runs of the suite never fence each other.
        String transactionalId = DirectoryWriter.TRANSACTIONAL_ID + "-test-" + UUID.randomUUID();
        String id = SalesforceId.of("003", UUID.randomUUID().toString().replace("-", "").substring(0, 12)).to18();
        try (DirectoryWriter deposed = new DirectoryWriter(() -> topics.transactionalAvroProducer(transactionalId), DirectoryWriter.CHUNK);
                DirectoryWriter leader = new DirectoryWriter(() -> topics.transactionalAvroProducer(transactionalId), DirectoryWriter.CHUNK)) {
            deposed.begin(1);
            deposed.send(DirectoryLoad.toTopic(id, record(id, "old@example.com"), 1), null);

            // The new leader opens in its term: the deposed one's open transaction is aborted, its producer fenced.
            leader.begin(2);
            leader.send(DirectoryLoad.toTopic(id, record(id, "new@example.com"), 2), null);
            leader.commit();

            // The deposed leader wakes up and goes on: its late write is refused, and so is opening again in its old term.
            deposed.send(DirectoryLoad.toTopic(id, record(id, "late@example.com"), 3), null);
            IllegalStateException late = assertThrows(IllegalStateException.class, deposed::commit);
            assertTrue(late.getMessage().contains("fenced"), late.getMessage());
            IllegalStateException reopened = assertThrows(IllegalStateException.class, () -> deposed.begin(1));
            assertTrue(reopened.getMessage().contains("fenced"), reopened.getMessage());

            leader.begin(2);
            leader.send(DirectoryLoad.toTopic(id, record(id, "newer@example.com"), 4), null);
            leader.commit();
        }
        List<ConsumerRecord<String, byte[]>> read = topics.committedRaw(Topics.SALESFORCE_RECORDS.name(), r -> r.key().equals(id), Duration.ofSeconds(30));
        assertEquals(2, read.size(), "only the leader's two writes are read: the deposed leader's, before and after, never");
        assertTrue(new String(read.get(0).value()).contains("new@example.com"), "the leader's first write");
        assertTrue(new String(read.get(1).value()).contains("newer@example.com"), "the leader's second write");
    }

    @Test
    void aChunkedTransactionCommitsEveryChunkAndTheLastWithWhatFollows() {
        String transactionalId = DirectoryWriter.TRANSACTIONAL_ID + "-test-" + UUID.randomUUID();
        String prefix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        int records = 250;
        try (DirectoryWriter writer = new DirectoryWriter(() -> topics.transactionalAvroProducer(transactionalId), 100)) {
            writer.begin(1);
            for (int i = 0; i < records; i++) {
                String id = SalesforceId.of("003", prefix + String.format("%04d", i)).to18();
                writer.sendInChunks(DirectoryLoad.toTopic(id, record(id, "chunk" + i + "@example.com"), i), null);
            }
            writer.commit();
        }
        String like = "003" + prefix;
        List<ConsumerRecord<String, byte[]>> read = topics.committedRaw(Topics.SALESFORCE_RECORDS.name(), r -> r.key().startsWith(like),
                Duration.ofSeconds(60));
        assertEquals(records, read.size(), "every chunk of 100 committed, and the last, short one with the commit");
    }

    private static SalesforceRecord record(String id, String email) {
        return new SalesforceRecord(id, "Contact", email, false, null, false, null, Instant.parse("2026-12-01T04:00:00Z"), "writer-test", false, false);
    }
}
