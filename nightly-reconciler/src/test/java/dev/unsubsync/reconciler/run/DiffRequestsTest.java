package dev.unsubsync.reconciler.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.schemas.EventClasses;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run's requests to compare: one that Kafka refuses fails the run at once, naming its partition. */
class DiffRequestsTest {

    private static final Serializer<String> KEYS = (topic, key) -> new byte[0];
    private static final Serializer<SpecificRecord> VALUES = (topic, value) -> new byte[0];

    @BeforeAll
    static void trust() {
        EventClasses.trust();
    }

    @Test
    void aDiffRequestKafkaRefusedFailsTheRunNamingItsPartition() throws Exception {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(false, null, KEYS, VALUES);
        CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
            try {
                DiffRequests.send(producer, "run-1#1", SyncSettings.newBuilder().build(), 3, Clock.systemUTC(), Duration.ofSeconds(30));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 3);
        producer.errorNext(new NotEnoughReplicasException("only 1 in sync"));

        Throwable failure = failed.get();
        assertTrue(failure instanceof RunFailure, String.valueOf(failure));
        assertTrue(failure.getMessage().contains("partition 0") && failure.getMessage().contains("only 1 in sync"), failure.getMessage());
    }

    @Test
    void everyPartitionIsAskedOnceAndTheRequestsAreAcknowledged() throws Exception {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, KEYS, VALUES);
        DiffRequests.send(producer, "run-1#1", SyncSettings.newBuilder().build(), 3, Clock.systemUTC(), Duration.ofSeconds(30));
        assertEquals(3, producer.history().size());
        for (int partition = 0; partition < 3; partition++) {
            assertEquals(partition, producer.history().get(partition).partition());
            assertEquals("run-1#1", producer.history().get(partition).key());
        }
        assertNull(producer.sendException);
    }

    @Test
    void aRequestNotAcknowledgedInTimeFailsTheRun() throws Exception {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(false, null, KEYS, VALUES);
        try {
            DiffRequests.send(producer, "run-1#1", SyncSettings.newBuilder().build(), 2, Clock.systemUTC(), Duration.ofMillis(200));
            throw new AssertionError("the run should fail");
        } catch (RunFailure e) {
            assertTrue(e.getMessage().contains("did not acknowledge"), e.getMessage());
        }
    }
}
