package dev.unsubsync.pusher.kafka;

import dev.unsubsync.kit.kafka.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The pusher's producers: push results (Avro) and dead letters (the original bytes). */
@Singleton
public class Producers {

    private final KafkaProducer<String, SpecificRecord> results;
    private final KafkaProducer<byte[], byte[]> deadLetters;

    public Producers(KafkaClients kafka) {
        Map<String, Object> config = new HashMap<>(kafka.config());
        // An outcome is final only once every in-sync replica has it; offsets are committed after that.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Producer retries never duplicate or reorder outcomes.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.results = new KafkaProducer<>(config, new StringSerializer(), kafka.avroSerializer());
        this.deadLetters = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
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
