package dev.unsubsync.testsupport;

import dev.unsubsync.schemas.Subjects;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's own Kafka clients, independent of the services': it writes events as the services do (Avro, Confluent wire
 * format, one subject per record type, acks=all) and reads topics back from the beginning in a group of its own.
 */
public final class TopicClients {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final String registryApiUrl;

    /**
     * @param registryApiUrl the registry's v3 API, e.g. {@code http://127.0.0.1:8085/apis/registry/v3}
     */
    public TopicClients(String bootstrapServers, String registryApiUrl) {
        this.bootstrapServers = bootstrapServers;
        this.registryApiUrl = registryApiUrl;
    }

    /** Clients for the shared test infrastructure. */
    public static TopicClients of(TestInfrastructure infrastructure) {
        return new TopicClients(infrastructure.bootstrapServers(), infrastructure.registry().apiUrl());
    }

    /** Writes an Avro record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, SpecificRecord value) throws InterruptedException, ExecutionException {
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /**
     * Writes an Avro record in a transaction of its own, as a Kafka Streams application with exactly-once does, then
     * commits it or, with {@code commit} false, aborts it (its record stays in the log, marked aborted).
     */
    public void sendInTransaction(String topic, String key, SpecificRecord value, boolean commit) {
        try (KafkaProducer<String, SpecificRecord> producer = transactionalAvroProducer("test-" + UUID.randomUUID())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    /** An Avro producer that writes in transactions under {@code transactionalId}; the caller initializes them. */
    public KafkaProducer<String, SpecificRecord> transactionalAvroProducer(String transactionalId) {
        return avroProducer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId));
    }

    /** A producer that writes Avro records as the services do (acks=all). */
    public KafkaProducer<String, SpecificRecord> avroProducer() {
        return avroProducer(Map.of());
    }

    private KafkaProducer<String, SpecificRecord> avroProducer(Map<String, Object> extra) {
        Map<String, Object> config = producerConfig();
        config.putAll(extra);
        config.put("apicurio.registry.url", registryApiUrl);
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.dereference-schema", true);
        config.put("apicurio.registry.artifact-resolver-strategy", Subjects.STRATEGY);
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    /** Writes Avro records in order through one producer (a burst) and waits for every acknowledgement. */
    public void sendAll(String topic, List<Map.Entry<String, ? extends SpecificRecord>> records) throws InterruptedException, ExecutionException {
        try (KafkaProducer<String, SpecificRecord> producer = avroProducer()) {
            List<Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, ? extends SpecificRecord> record : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            for (Future<?> ack : sent) {
                ack.get();
            }
        }
    }

    /** Writes raw bytes (a poison pill, say) and waits for the broker's acknowledgement. */
    public void sendRaw(String topic, byte[] key, byte[] value) throws InterruptedException, ExecutionException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** At least {@code count} Avro records of {@code topic} matching {@code match}; fails the test after {@code timeout}. */
    public List<ConsumerRecord<String, Object>> readAvro(String topic, Predicate<ConsumerRecord<String, Object>> match, int count, Duration timeout) {
        return require(collectAvro(topic, match, found -> found.size() >= count, timeout), count, topic, timeout);
    }

    /** At least {@code count} raw records of {@code topic} matching {@code match}; fails the test after {@code timeout}. */
    public List<ConsumerRecord<String, byte[]>> readRaw(String topic, Predicate<ConsumerRecord<String, byte[]>> match, int count, Duration timeout) {
        return require(collect(topic, new ByteArrayDeserializer(), match, found -> found.size() >= count, timeout), count, topic, timeout);
    }

    /** Raw records of {@code topic} matching {@code match}, read from the beginning for {@code timeout}: no registry needed. */
    public List<ConsumerRecord<String, byte[]>> collectRaw(String topic, Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        return collect(topic, new ByteArrayDeserializer(), match, found -> false, timeout);
    }

    /**
     * Avro records of {@code topic} matching {@code match}, read from the beginning until {@code done} holds for what was
     * found or {@code timeout} passes; answers what was found either way.
     */
    public List<ConsumerRecord<String, Object>> collectAvro(String topic, Predicate<ConsumerRecord<String, Object>> match,
            Predicate<List<ConsumerRecord<String, Object>>> done, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", registryApiUrl);
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        return collect(topic, values, match, done, timeout);
    }

    /**
     * What a reader of committed records only (as every service's) finds of {@code topic}: records matching
     * {@code match}, read from the beginning to the topic's last stable offset, its values as bytes.
     */
    public List<ConsumerRecord<String, byte[]>> committedRaw(String topic, Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            long deadline = System.nanoTime() + timeout.toNanos();
            ends.entrySet().removeIf(end -> consumer.position(end.getKey(), timeout) >= end.getValue());
            while (!ends.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topic + " not read to its last stable offset within " + timeout);
                }
                consumer.poll(POLL).forEach(record -> {
                    if (match.test(record)) {
                        found.add(record);
                    }
                });
                ends.entrySet().removeIf(end -> consumer.position(end.getKey(), timeout) >= end.getValue());
            }
        }
        return found;
    }

    private <V> List<ConsumerRecord<String, V>> collect(String topic, Deserializer<V> values, Predicate<ConsumerRecord<String, V>> match,
            Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, V>> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            while (!done.test(found) && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(record -> {
                    if (match.test(record)) {
                        found.add(record);
                    }
                });
            }
        }
        return found;
    }

    private static <R> List<R> require(List<R> found, int count, String topic, Duration timeout) {
        if (found.size() < count) {
            throw new AssertionError("expected at least " + count + " matching records on " + topic + " within " + timeout + ", found " + found.size());
        }
        return found;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }
}
