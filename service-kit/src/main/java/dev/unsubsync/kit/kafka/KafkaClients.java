package dev.unsubsync.kit.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients a service builds by hand, from the one config surface ({@code kafka.bootstrap.servers}, Kafka's
 * security settings as {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}, and Apicurio's
 * {@code kafka.apicurio.registry.*}), in a few named profiles. Every setting that differs from Kafka's default
 * says why.
 */
@Singleton
public class KafkaClients {

    private final Map<String, Object> common;
    private final Environment environment;

    public KafkaClients(Environment environment) {
        this.environment = environment;
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("kafka.bootstrap.servers", String.class));
        config.putAll(securitySettings(environment));
        environment.getProperties("kafka.apicurio.registry", StringConvention.RAW)
                .forEach((key, value) -> config.put("apicurio.registry." + key, value));
        // Readers decode into our generated classes rather than generic records.
        config.put("apicurio.registry.use-specific-avro-reader", true);
        this.common = Map.copyOf(config);
    }

    /**
     * How every client authenticates and encrypts: each of Kafka's own client security settings ({@code security.protocol},
     * {@code sasl.*}, {@code ssl.*}) configured as {@code kafka.<setting>} (environment: {@code KAFKA_SECURITY_PROTOCOL},
     * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION}, ...). Only
     * names Kafka knows are taken, so the many spellings an environment variable maps to never reach a client.
     */
    static Map<String, Object> securitySettings(Environment environment) {
        ConfigDef known = new ConfigDef();
        SaslConfigs.addClientSaslSupport(known);
        SslConfigs.addClientSslSupport(known);
        Map<String, Object> settings = new HashMap<>();
        for (String name : known.names()) {
            environment.getProperty("kafka." + name, String.class).filter(value -> !value.isBlank())
                    .ifPresent(value -> settings.put(name, value));
        }
        environment.getProperty("kafka." + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, String.class)
                .filter(value -> !value.isBlank())
                .ifPresent(value -> settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, value));
        return settings;
    }

    /** Admin settings: the common ones without the registry's, for an {@code Admin} client. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>(common);
        config.keySet().removeIf(key -> key.startsWith("apicurio."));
        return config;
    }

    /** Bootstrap servers, security and registry settings: what every client of the service starts from. */
    public Map<String, Object> config() {
        return common;
    }

    public String bootstrapServers() {
        return (String) common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** Every setting under {@code prefix}, keys as written (e.g. {@code consumer.fetch.min.bytes}). */
    public Map<String, Object> settingsUnder(String prefix) {
        return Map.copyOf(environment.getProperties(prefix, StringConvention.RAW));
    }

    /** Profile "batch consumer": one group, batches of up to {@code maxBatch}, offsets committed by hand. */
    public Map<String, Object> batchConsumerConfig(String groupId, int maxBatch) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // Offsets are committed by hand, only after every event of a batch has its final outcome.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A new group starts from the beginning: no unsubscribe recorded before the service first ran is skipped.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        // A crashed instance's partitions move to the others after 10 s instead of Kafka's default 45 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // The reconciler's Streams application writes unsubscribe-events and reconcile-pushes in transactions: what an
        // aborted one wrote (a reconciler killed mid-commit) must never be pushed nor recorded.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** How a producer sends: each profile's settings say why they differ from Kafka's defaults. */
    public enum Profile {
        /** An outcome that others act on once it is there (push results, dead letters, a run's state): durable. */
        DURABLE,
        /** An answer a caller waits for (an HTTP request): durable, sent at once, and never blocking for long. */
        REQUEST,
        /** Many answers a caller waits for at once (a batch request): as {@link #REQUEST}, in fuller batches. */
        REQUEST_BATCH,
        /** Millions of records at once (a snapshot, a full load): durable and ordered, in full, compressed batches. */
        BULK
    }

    /**
     * A producer named {@code name} with a profile's settings; {@code kafka.producers.<name>.*} settings, where configured,
     * go on top (to tune one producer without a release).
     */
    public <K, V> KafkaProducer<K, V> producer(String name, Profile profile, Serializer<K> keys, Serializer<V> values) {
        return producer(name, profile, Map.of(), keys, values);
    }

    /**
     * As {@link #producer(String, Profile, Serializer, Serializer)}, writing in transactions under {@code transactionalId}:
     * a producer opened later with the same id fences this one (its next send or commit is refused) and aborts what it
     * left open. Its transactions may stay open up to 5 minutes (Kafka's default is 1).
     */
    public <K, V> KafkaProducer<K, V> transactionalProducer(String name, Profile profile, String transactionalId, Serializer<K> keys, Serializer<V> values) {
        return producer(name, profile, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000), keys, values);
    }

    private <K, V> KafkaProducer<K, V> producer(String name, Profile profile, Map<String, Object> extra, Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> config = new HashMap<>(common);
        // A record counts only once every in-sync replica has it; what follows it waits for that.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries inside the producer never duplicate or reorder a person's records.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, name + "-" + UUID.randomUUID().toString().substring(0, 8));
        switch (profile) {
            case DURABLE -> {
            }
            case REQUEST, REQUEST_BATCH -> {
                // Bound the wait when the broker is unreachable, so callers get a 503 rather than a hung request.
                config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
                config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
                config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 9_000);
                if (profile == Profile.REQUEST) {
                    // Answer as soon as the broker acknowledges; batching buys nothing at one record per request.
                    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                } else {
                    // A call's hundreds of records leave in a few full batches instead of many small requests.
                    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
                    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
                }
            }
            case BULK -> {
                // Millions of small records: fuller, compressed batches.
                config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
                config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
                config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            }
        }
        config.putAll(extra);
        config.putAll(settingsUnder("kafka.producers." + name));
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        keys.configure(config, true);
        values.configure(config, false);
        return new KafkaProducer<>(config, keys, values);
    }

    /** A {@link Profile#BULK} producer of Avro values. */
    public KafkaProducer<String, SpecificRecord> bulkProducer() {
        return producer("bulk", Profile.BULK, new StringSerializer(), new AvroKafkaSerializer<>());
    }

    /** Avro values in the Confluent wire format, decoded into our generated classes. */
    public Deserializer<Object> avroDeserializer() {
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(new HashMap<>(common), false);
        return deserializer;
    }
}
