package dev.unsubsync.pusher.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka settings every client of this service shares, from the one config surface: {@code kafka.bootstrap.servers}
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
        this.common = Map.copyOf(config);
    }

    /** Bootstrap servers and registry settings. */
    public Map<String, Object> clientConfig() {
        return common;
    }

    /** A push loop's consumer: one group, batches of up to {@code maxBatch}, offsets committed by hand. */
    public Map<String, Object> batchConsumerConfig(String groupId, int maxBatch) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // Offsets are committed by hand, only after every event of a batch has its final outcome.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A new group starts from the beginning: no unsubscribe recorded before the pusher first ran is skipped.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        // A crashed instance's partitions move to the others after 10 s instead of Kafka's default 45 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        return config;
    }

    /** Avro values in the Confluent wire format, decoded into our generated classes. */
    public Deserializer<Object> avroDeserializer() {
        Map<String, Object> config = new HashMap<>(common);
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        return deserializer;
    }

    /** Avro values in the Confluent wire format, registering their schema on first use. */
    public <T> Serializer<T> avroSerializer() {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(new HashMap<>(common), false);
        return serializer;
    }
}
