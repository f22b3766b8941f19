package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.kafka.KafkaClients;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The pusher's producers: push results (Avro) and dead letters (the original bytes). */
@Singleton
public class Producers {

    private final KafkaProducer<String, SpecificRecord> results;
    private final KafkaProducer<byte[], byte[]> deadLetters;

    public Producers(KafkaClients kafka) {
        // An outcome is final only once every in-sync replica has it; offsets are committed after that.
        this.results = kafka.producer("optout-push-results", KafkaClients.Profile.DURABLE, new StringSerializer(), new AvroKafkaSerializer<SpecificRecord>());
        this.deadLetters = kafka.producer("push-dead-letters", KafkaClients.Profile.DURABLE, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Producer<String, SpecificRecord> results() {
        return results;
    }

    public Producer<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    @PreDestroy
    void close() {
        results.close(Duration.ofSeconds(5));
        deadLetters.close(Duration.ofSeconds(5));
    }
}
