package dev.unsubsync.pusher.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
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
