package dev.unsubsync.capture.api;

import dev.unsubsync.kit.kafka.KafkaClients;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Capture's producers, each a {@link KafkaClients.Profile} and tunable under {@code kafka.producers.<name>.*}: single
 * events ({@code unsubscribe-events}, answered at once), batches ({@code unsubscribe-events-batch}, in fuller
 * batches) and kept webhook payloads ({@code webhook-dead-letters}, raw bytes).
 */
@Singleton
public class CaptureProducers {

    private final Producer<String, SpecificRecord> events;
    private final Producer<String, SpecificRecord> batches;
    private final Producer<String, byte[]> deadLetters;

    public CaptureProducers(KafkaClients kafka) {
        this.events = kafka.producer("unsubscribe-events", KafkaClients.Profile.REQUEST, new StringSerializer(), new AvroKafkaSerializer<>());
        this.batches = kafka.producer("unsubscribe-events-batch", KafkaClients.Profile.REQUEST_BATCH, new StringSerializer(), new AvroKafkaSerializer<>());
        this.deadLetters = kafka.producer("webhook-dead-letters", KafkaClients.Profile.REQUEST, new StringSerializer(), new ByteArraySerializer());
    }

    public Producer<String, SpecificRecord> events() {
        return events;
    }

    public Producer<String, SpecificRecord> batches() {
        return batches;
    }

    public Producer<String, byte[]> deadLetters() {
        return deadLetters;
    }

    @PreDestroy
    void close() {
        events.close(Duration.ofSeconds(5));
        batches.close(Duration.ofSeconds(5));
        deadLetters.close(Duration.ofSeconds(5));
    }
}
