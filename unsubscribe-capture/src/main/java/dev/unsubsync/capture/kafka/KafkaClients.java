package dev.unsubsync.capture.kafka;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/** Bootstrap servers and registry settings from the one config surface, for clients built by hand (the settings view). */
@Singleton
public class KafkaClients {

    private final Map<String, Object> config;
    private final Environment environment;

    public KafkaClients(Environment environment) {
        this.environment = environment;
        Map<String, Object> map = new HashMap<>();
        map.put("bootstrap.servers", environment.getRequiredProperty("kafka.bootstrap.servers", String.class));
        environment.getProperties("kafka.apicurio.registry", StringConvention.RAW).forEach((key, value) -> map.put("apicurio.registry." + key, value));
        this.config = Map.copyOf(map);
    }

    public Map<String, Object> config() {
        return config;
    }

    /** Every setting under {@code prefix}, keys as written (e.g. {@code consumer.fetch.min.bytes}). */
    public Map<String, Object> settingsUnder(String prefix) {
        return Map.copyOf(environment.getProperties(prefix, StringConvention.RAW));
    }
}
