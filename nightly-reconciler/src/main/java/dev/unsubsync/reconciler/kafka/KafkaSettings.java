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

    /** An Avro serde of our event classes, through the registry. */
    public <T extends SpecificRecord> AvroSerde<T> serde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(new HashMap<>(common), false);
        return serde;
    }
}
