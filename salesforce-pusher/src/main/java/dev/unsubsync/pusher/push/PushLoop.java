package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.Backoff;
import dev.unsubsync.pusher.support.PusherConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer loop of the pusher; its {@link LoopMode} says what it reads: new unsubscribes, parked ones, or the nightly
 * run's pushes.
 *
 * <p>Each batch (gathered for up to {@code pusher.linger}) is handled by {@link BatchHandler}: the push rules
 * ({@link OptOutPusher}), every outcome published (push results, dead letters, parked events). Offsets are committed only
 * once all of them are on Kafka. A batch Salesforce cannot take is retried from its first offsets after a growing
 * backoff with jitter, so a person's events are never reordered and nothing is skipped.
 */
public final class PushLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PushLoop.class);

    private final String name;
    private final LoopMode mode;
    private final String groupId;
    private final LoopParts parts;
    private final PusherConfiguration config;
    private final BatchHandler handler;
    private final AllowanceGovernor governor;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running = true;
    private volatile String problem;

    /** A loop named {@code name} in consumer group {@code groupId}. */
    PushLoop(LoopMode mode, String name, String groupId, LoopParts parts) {
        this.name = name;
        this.mode = mode;
        this.groupId = groupId;
        this.parts = parts;
        this.config = parts.config();
        this.handler = new BatchHandler(mode, parts);
        this.governor = new AllowanceGovernor(config.getAllowanceSlowdownShare(), config.getAllowanceMaxPause());
    }

    void start() {
        thread = Thread.ofPlatform().name(name).start(this::supervise);
    }

    /** The loop's name. */
    String name() {
        return name;
    }

    /** Why the loop cannot run now (it failed and waits to restart), or empty while it runs. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * Runs the loop for as long as the service runs: an unexpected failure (a bug, a client that throws where it should
     * answer) restarts it with a fresh consumer after a growing backoff, and health says so meanwhile, instead of the
     * thread ending silently while {@code /health} stays UP. Nothing is lost: offsets were not committed past the batch.
     */
    private void supervise() {
        int restarts = 0;
        while (running) {
            try {
                run();
                return;
            } catch (RuntimeException e) {
                restarts++;
                Duration backoff = backoff(restarts);
                problem = name + " failed (" + e + "); restart " + restarts + " in " + backoff.toMillis() + " ms";
                LOG.error("{} failed; restarting it in {} ms (restart {})", name, backoff.toMillis(), restarts, e);
                pause(backoff);
            }
        }
    }

    private void run() {
        Map<String, Object> consumerConfig = parts.kafka().batchConsumerConfig(groupId, config.getMaxBatchSize());
        Deserializer<Object> valueDecoder = parts.kafka().avroDeserializer();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            parts.metrics().bind(c);
            c.subscribe(List.of(mode.source().name()));
            awaitSettings();
            int attempt = 1;
            Map<TopicPartition, Long> idleCommitted = new HashMap<>();
            while (running) {
                List<ConsumerRecord<String, byte[]>> batch = gather(c);
                if (batch.isEmpty()) {
                    // Polling and nothing to do: the loop runs. Everything before the position is handled; committing it
                    // moves the group past the markers that end the reconciler's transactions, so an idle group shows
                    // no lag (alerts, KEDA) instead of one per partition written in a transaction.
                    problem = null;
                    try {
                        BatchRecords.commitIdlePositions(c, idleCommitted);
                    } catch (RetriableException | CommitFailedException
                            | RebalanceInProgressException e) {
                        // Nothing was pending: the next idle poll commits again.
                        LOG.debug("{}: idle commit not taken: {}", name, e.toString());
                    }
                    continue;
                }
                parts.salesforce().apiUsage().ifPresent(usage -> {
                    Duration spacing = governor.pauseBefore(usage.used(), usage.max());
                    if (!spacing.isZero()) {
                        LOG.warn("{}: {} of {} daily API requests used; waiting {} ms before the next batch", name, usage.used(), usage.max(),
                                spacing.toMillis());
                        pause(spacing);
                    }
                });
                try {
                    handler.handle(batch, valueDecoder, attempt);
                    Map<TopicPartition, OffsetAndMetadata> next = BatchRecords.nextOffsets(batch);
                    c.commitSync(next);
                    next.forEach((partition, offset) -> idleCommitted.put(partition, offset.offset()));
                    attempt = 1;
                    problem = null;
                } catch (TransientPushFailure | RetriableException
                        | CommitFailedException | RebalanceInProgressException e) {
                    // Salesforce could not take the batch, or Kafka could not record its outcome (a broker restarting,
                    // a rebalance): nothing is committed, the batch is read again. Pushing it twice is harmless.
                    Duration backoff = backoff(attempt);
                    parts.metrics().retried(batch.size());
                    LOG.warn("{}: batch of {} events not finished (attempt {}): {}; retrying in {} ms", name, batch.size(), attempt, e.getMessage(),
                            backoff.toMillis());
                    BatchRecords.rewindIfOwned(c, batch);
                    attempt++;
                    pause(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            valueDecoder.close();
        }
    }

    /**
     * Waits until the settings topic has been read to its end: an event pushed before that would follow the default
     * field choice, not the admin's (a registry outage at start-up, say, delays the read; the view waits for it).
     */
    private void awaitSettings() {
        boolean logged = false;
        try {
            while (running && !parts.settings().awaitCaughtUp(Duration.ofSeconds(1))) {
                if (!logged) {
                    LOG.info("{} waits for the settings to be read before pushing anything", name);
                    logged = true;
                }
                problem = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** One poll, then more for up to the linger while the batch is not full. */
    private List<ConsumerRecord<String, byte[]>> gather(KafkaConsumer<String, byte[]> c) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        c.poll(Duration.ofMillis(500)).forEach(batch::add);
        if (batch.isEmpty()) {
            return batch;
        }
        long started = System.nanoTime();
        long deadline = started + config.getLinger().toNanos();
        while (batch.size() < config.getMaxBatchSize() && System.nanoTime() < deadline) {
            ConsumerRecords<String, byte[]> more = c.poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            more.forEach(batch::add);
        }
        if (mode == LoopMode.EVENTS && batch.stream().anyMatch(record -> record.key() != null && !parts.people().lists(record.key()))) {
            // Someone the directory does not list is looked up live: let more such people join the same query.
            long lookupDeadline = started + config.getLookupLinger().toNanos();
            while (batch.size() < config.getMaxBatchSize() && System.nanoTime() < lookupDeadline) {
                c.poll(Duration.ofNanos(Math.max(1, lookupDeadline - System.nanoTime()))).forEach(batch::add);
            }
        }
        return batch;
    }

    private Duration backoff(int attempt) {
        return new Backoff(config.getRetryInitialBackoff(), config.getRetryMaxBackoff()).delay(attempt);
    }

    private void pause(Duration backoff) {
        try {
            // Returns early when the service stops.
            stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void stop() throws InterruptedException {
        running = false;
        stopping.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(Duration.ofSeconds(10));
        }
    }
}
