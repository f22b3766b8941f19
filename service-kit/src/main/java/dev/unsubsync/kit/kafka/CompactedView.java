package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a compacted topic — every partition — from its beginning for as long as the service runs, handing every record
 * (a {@code null} value for a tombstone or a value of another type) to a callback on its own thread. Every instance reads
 * the whole topic itself: no consumer group, nothing committed. A registry outage makes it wait and read again; a record
 * that can never be decoded stops the view (what was read stays in force) or, when asked, is skipped with an error.
 */
public final class CompactedView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);

    private final String name;
    private final Topic<String, ?> topic;
    private final BiConsumer<String, Object> onRecord;
    private final Runnable onCaughtUp;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private final boolean skipUnreadable;
    private volatile boolean running = true;

    /**
     * @param clientConfig bootstrap servers and {@code apicurio.registry.*} settings
     * @param onRecord     called with each record's key and value, in order
     * @param onCaughtUp   called once, when the topic has been read to its end
     */
    public CompactedView(String name, Topic<String, ?> topic, Map<String, Object> clientConfig, BiConsumer<String, Object> onRecord, Runnable onCaughtUp) {
        this(name, topic, clientConfig, onRecord, onCaughtUp, false);
    }

    /**
     * @param skipUnreadable whether a record that can never be decoded is skipped (logged) rather than stopping the view:
     *                       for a view that is a cache of something that can be asked again
     */
    public CompactedView(String name, Topic<String, ?> topic, Map<String, Object> clientConfig, BiConsumer<String, Object> onRecord, Runnable onCaughtUp,
                         boolean skipUnreadable) {
        this.skipUnreadable = skipUnreadable;
        this.name = name;
        this.topic = topic;
        this.onRecord = onRecord;
        this.onCaughtUp = onCaughtUp;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::follow);
    }

    /** Waits until the topic has been read to its end once; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the topic has been read to its end once. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                // The topic may not exist yet (provisioned at start-up, possibly by another service).
                consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                if (partitions.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read to the end the topic had when the view started: caught up, even while writes go on.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                        onRecord.accept(record.key(), record.value());
                    }
                } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
                    if (RegistryErrors.unavailable(e)) {
                        // The registry is away: read the record again once it is back, rather than stop on what was read.
                        LOG.warn("{}: record {}@{} waits for the schema registry: {}", name, e.topicPartition(), e.offset(), e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset());
                        Thread.sleep(1000);
                        continue;
                    }
                    if (!skipUnreadable) {
                        throw e;
                    }
                    LOG.error("{}: record {}@{} can never be decoded; skipped: {}", name, e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                if (caughtUp.getCount() > 0 && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    caughtUp.countDown();
                    onCaughtUp.run();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} stopped unexpectedly", name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} stopped; what was read stays in force", name, e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
