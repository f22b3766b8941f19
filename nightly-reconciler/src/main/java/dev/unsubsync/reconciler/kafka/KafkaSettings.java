package dev.unsubsync.reconciler.kafka;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka settings every client of the reconciler shares, from the one config surface: {@code kafka.bootstrap.servers}
 * and Apicurio's {@code kafka.apicurio.registry.*}.
 */
@Singleton
public class KafkaSettings {

    private final Map<String, Object> common;

    public KafkaSettings(Environment environment) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("kafka.bootstrap.servers", String.class));
        environment.getProperties("kafka.apicurio.registry", StringConvention.RAW)
                .forEach((key, value) -> config.put("apicurio.registry." + key, value));
        config.put("apicurio.registry.use-specific-avro-reader", true);
        this.common = Map.copyOf(config);
    }

    /** Bootstrap servers and registry settings. */
    public Map<String, Object> clientConfig() {
        return common;
    }

    public String bootstrapServers() {
        return (String) common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /**
     * A producer of Avro values for many records at once (a snapshot, a full load): durable and ordered, in full,
     * compressed batches.
     */
    public org.apache.kafka.clients.producer.KafkaProducer<String, SpecificRecord> bulkProducer() {
        Map<String, Object> config = new HashMap<>(common);
        // A record counts only once every in-sync replica has it; what follows it waits for that.
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        // Retries never duplicate or reorder.
        config.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Millions of small records: fuller, compressed batches.
        config.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        io.apicurio.registry.serde.avro.AvroKafkaSerializer<SpecificRecord> values = new io.apicurio.registry.serde.avro.AvroKafkaSerializer<>();
        values.configure(config, false);
        return new org.apache.kafka.clients.producer.KafkaProducer<>(config, new org.apache.kafka.common.serialization.StringSerializer(), values);
    }

    /** An Avro serde of our event classes, through the registry. */
    public <T extends SpecificRecord> AvroSerde<T> serde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(new HashMap<>(common), false);
        return serde;
    }
}
