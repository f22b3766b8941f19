package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a compacted topic — every partition — from its beginning for as long as the service runs, handing every record
 * (a {@code null} value for a tombstone or a value of another type) to a callback on its own thread. Every instance reads
 * the whole topic itself: no consumer group, nothing committed. A registry outage makes it wait and read again; a record
 * that can never be decoded is skipped with an error when asked, else it stops the view like any other error: what was
 * read stays in force, the view reports not caught up ({@link #caughtUp}, {@link #failure}) and reads again after a
 * pause that doubles up to 30 s, from the record after the last one applied.
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
    /** What stops the view now (null while it follows its topic). */
    private volatile RuntimeException failure;
    /** The ends the topic had when the view started, once known. */
    private Map<TopicPartition, Long> ends;
    /** The record being applied or read when the view stopped, if one was: the view is current again once past it. */
    private volatile Position failedAt;
    private Position stoppedAt;
    /** Per partition, the offset after the last record applied. */
    private final Map<TopicPartition, Long> next = new HashMap<>();

    private record Position(TopicPartition partition, long offset) {
    }

    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LAST_PAUSE = Duration.ofSeconds(30);

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
        // Views of topics written in transactions (the reconciler's salesforce-people): nothing an aborted one wrote.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::follow);
    }

    /**
     * Waits until the topic has been read to its end once; false on timeout, and false while the view is stopped by an
     * error (it is retrying, and what it holds may be stale).
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    /**
     * Whether the topic has been read to its end once and the view is still following it: false while an error stops
     * it (a reader of the view must not take a frozen copy for a current one).
     */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0 && failure == null;
    }

    /** Why the view is not following its topic right now, if it is not (it retries on its own). */
    public Optional<String> failure() {
        RuntimeException current = failure;
        return current == null ? Optional.empty() : Optional.of(current.toString());
    }

    private void follow() {
        try {
            followUntilClosed();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void followUntilClosed() {
        Duration pause = FIRST_PAUSE;
        while (running) {
            try {
                followFromPositions();
                return;
            } catch (WakeupException e) {
                if (!running) {
                    return;
                }
                failed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failed(e);
            }
            // Stopped by an error: not current until it reads again; retried from the record after the last one applied.
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = pause.multipliedBy(2).compareTo(LAST_PAUSE) > 0 ? LAST_PAUSE : pause.multipliedBy(2);
        }
    }

    private void failed(RuntimeException e) {
        if (failure == null) {
            LOG.error("{} stopped by an error; it reports not caught up and reads again after a pause", name, e);
        } else {
            LOG.warn("{} still stopped: {}", name, e.toString());
        }
        failure = e;
        failedAt = stoppedAt;
    }

    /** Reads on from where the view stands (the beginning, the first time) until closed; throws what stops it. */
    private void followFromPositions() throws InterruptedException {
        if (ends == null) {
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
            ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        } else {
            // After an error: on from the record after the last one applied (the rest of a poll's batch included).
            next.forEach(consumer::seek);
        }
        while (running) {
            try {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    stoppedAt = new Position(partition, record.offset());
                    onRecord.accept(record.key(), record.value());
                    next.put(partition, record.offset() + 1);
                }
                stoppedAt = null;
            } catch (RecordDeserializationException e) {
                if (RegistryErrors.unavailable(e)) {
                    // The registry is away: read the record again once it is back, rather than stop on what was read.
                    LOG.warn("{}: record {}@{} waits for the schema registry: {}", name, e.topicPartition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset());
                    next.put(e.topicPartition(), e.offset());
                    Thread.sleep(1000);
                    continue;
                }
                next.put(e.topicPartition(), e.offset());
                if (!skipUnreadable) {
                    stoppedAt = new Position(e.topicPartition(), e.offset());
                    throw e;
                }
                LOG.error("{}: record {}@{} can never be decoded; skipped: {}", name, e.topicPartition(), e.offset(), e.getMessage());
                consumer.seek(e.topicPartition(), e.offset() + 1);
                next.put(e.topicPartition(), e.offset() + 1);
            }
            if (failure != null && (failedAt == null || next.getOrDefault(failedAt.partition(), 0L) > failedAt.offset())) {
                LOG.info("{} reads its topic again", name);
                failure = null;
                failedAt = null;
            }
            if (caughtUp.getCount() > 0 && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                caughtUp.countDown();
                onCaughtUp.run();
            }
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
