package dev.unsubsync.pusher.kafka;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.pusher.config.PusherConfiguration;
import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.pusher.domain.TransientPushFailure;
import dev.unsubsync.schemas.DeadLetterHeaders;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pusher's consumer: polls {@code unsubscribe-events}, hands each batch to {@link OptOutPusher}, publishes every
 * outcome, and commits offsets only once every event of the batch has a final outcome on Kafka (result published,
 * dead letter written). A batch Salesforce cannot take is retried from its first offset after a growing backoff with
 * jitter, so a person's events are never reordered and nothing is skipped.
 *
 * <p>Values are read as bytes and decoded here, so a record that cannot be decoded (a poison pill) goes to the
 * dead-letter topic with the reason instead of stalling its partition.
 */
@Singleton
public class PushLoop implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(PushLoop.class);
    private static final String SERVICE = "salesforce-pusher";

    private final OptOutPusher pusher;
    private final PusherConfiguration config;
    private final KafkaSettings kafka;
    private final Producer<String, SpecificRecord> results;
    private final Producer<byte[], byte[]> deadLetters;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running = true;
    private final java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);

    public PushLoop(OptOutPusher pusher, PusherConfiguration config, KafkaSettings kafka, Producers producers) {
        this.pusher = pusher;
        this.config = config;
        this.kafka = kafka;
        this.results = producers.results();
        this.deadLetters = producers.deadLetters();
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        thread = Thread.ofPlatform().name("push-loop").start(this::run);
    }

    private void run() {
        Map<String, Object> consumerConfig = new HashMap<>(kafka.clientConfig());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.getGroupId());
        // Offsets are committed by hand, only after every event of a batch has its final outcome.
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts from the beginning: no unsubscribe recorded before the pusher first ran is skipped.
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getMaxBatchSize());
        Deserializer<Object> valueDecoder = kafka.avroDeserializer();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.UNSUBSCRIBE_EVENTS.name()));
            int attempt = 1;
            while (running) {
                ConsumerRecords<String, byte[]> polled = c.poll(Duration.ofSeconds(1));
                if (polled.isEmpty()) {
                    continue;
                }
                try {
                    handle(polled, valueDecoder, attempt);
                    c.commitSync(nextOffsets(polled));
                    attempt = 1;
                } catch (TransientPushFailure e) {
                    Duration backoff = backoff(attempt);
                    LOG.warn("Batch of {} events from {} not pushed (attempt {}): {}; retrying in {} ms",
                            polled.count(), polled.partitions(), attempt, e.getMessage(), backoff.toMillis());
                    rewind(c, polled);
                    attempt++;
                    pause(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Push loop stopped", e);
        } finally {
            valueDecoder.close();
        }
    }

    private void handle(ConsumerRecords<String, byte[]> polled, Deserializer<Object> decoder, int attempt) {
        List<OptOutPusher.Inbound> inbound = new ArrayList<>();
        Map<OptOutPusher.Inbound, ConsumerRecord<String, byte[]>> origin = new LinkedHashMap<>();
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : polled) {
            Object value;
            try {
                value = decoder.deserialize(record.topic(), record.headers(), record.value());
            } catch (RuntimeException e) {
                LOG.error("Unreadable record {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(), record.key(), e.toString());
                sends.add(deadLetter(record, "UNREADABLE_RECORD", e.toString()));
                continue;
            }
            if (!(value instanceof SpecificRecord event)) {
                sends.add(deadLetter(record, "UNREADABLE_RECORD", "value is " + (value == null ? "null" : value.getClass().getName())));
                continue;
            }
            OptOutPusher.Inbound in = new OptOutPusher.Inbound(record.key(), event);
            inbound.add(in);
            origin.put(in, record);
        }
        for (OptOutPusher.Decision decision : pusher.push(inbound, attempt)) {
            ConsumerRecord<String, byte[]> record = origin.get(decision.source());
            decision.deadLetter().ifPresent(failure -> {
                LOG.warn("Dead-lettering {}-{}@{} key={}: {} {}", record.topic(), record.partition(), record.offset(), record.key(), failure.code(), failure.message());
                sends.add(deadLetter(record, failure.code(), failure.message()));
            });
            decision.result().ifPresent(result -> sends.add(publish(record.key(), result)));
        }
        for (var send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new TransientPushFailure("could not publish outcomes to Kafka: " + e);
            }
        }
    }

    private java.util.concurrent.Future<?> publish(String key, OptOutPushResult result) {
        return results.send(new ProducerRecord<>(Topics.PUSH_RESULTS.name(), key, result));
    }

    private java.util.concurrent.Future<?> deadLetter(ConsumerRecord<String, byte[]> record, String code, String message) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, utf8(record.topic()));
        headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, utf8(String.valueOf(record.partition())));
        headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, utf8(String.valueOf(record.offset())));
        headers.add(DeadLetterHeaders.REASON_CODE, utf8(code));
        headers.add(DeadLetterHeaders.REASON_MESSAGE, utf8(message == null ? "" : message));
        headers.add(DeadLetterHeaders.SERVICE, utf8(SERVICE));
        byte[] key = record.key() == null ? null : utf8(record.key());
        return deadLetters.send(new ProducerRecord<>(Topics.PUSH_DEAD_LETTERS.name(), null, key, record.value(), headers));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> polled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : polled.partitions()) {
            List<ConsumerRecord<String, byte[]>> records = polled.records(partition);
            offsets.put(partition, new OffsetAndMetadata(records.getLast().offset() + 1));
        }
        return offsets;
    }

    private static void rewind(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> polled) {
        for (TopicPartition partition : polled.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, polled.records(partition).getFirst().offset());
            }
        }
    }

    private Duration backoff(int attempt) {
        long initial = config.getRetryInitialBackoff().toMillis();
        long capped = Math.min(config.getRetryMaxBackoff().toMillis(), initial << Math.min(attempt - 1, 20));
        // Full jitter on the upper half, so many instances retrying together do not hit Salesforce in step.
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
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

    @PreDestroy
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
