package dev.unsubsync.capture.api;

import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.events.ConsoleSessionEnded;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.schemas.Topics;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to {@link Topics#UNSUBSCRIBE_EVENTS} (and settings to {@link Topics#SETTINGS}) and waits for the broker's acknowledgement (acks=all,
 * idempotent producer, see application.yml), never longer than {@code capture.publish-timeout}.
 */
@Singleton
public class KafkaEventPublisher implements EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final Producer<String, SpecificRecord> producer;
    private final Producer<String, SpecificRecord> batchProducer;
    private final CaptureConfiguration config;

    public KafkaEventPublisher(CaptureProducers producers, CaptureConfiguration config) {
        this.producer = producers.events();
        this.batchProducer = producers.batches();
        this.config = config;
    }

    @Override
    public void publish(String key, SpecificRecord event) {
        publish(TopicRecords.of(Topics.UNSUBSCRIBE_EVENTS, key, event));
    }

    @Override
    public List<Published> publishAll(List<Map.Entry<String, SpecificRecord>> events) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        List<Published> outcomes = new ArrayList<>();
        for (Map.Entry<String, SpecificRecord> event : events) {
            try {
                sends.add(batchProducer.send(TopicRecords.of(Topics.UNSUBSCRIBE_EVENTS, event.getKey(), event.getValue())));
            } catch (RuntimeException e) {
                sends.add(CompletableFuture.failedFuture(e));
            }
        }
        // One deadline for the whole batch: the producer batches these sends into few requests.
        long deadline = System.nanoTime() + config.getPublishTimeout().toNanos();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                outcomes.add(new Published.Durable());
            } catch (TimeoutException e) {
                outcomes.add(new Published.NotDurable("Kafka did not acknowledge within " + config.getPublishTimeout()));
            } catch (ExecutionException e) {
                outcomes.add(new Published.NotDurable("Kafka refused the event: " + e.getCause().getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.add(new Published.NotDurable("interrupted while waiting for Kafka"));
            }
        }
        long failed = outcomes.stream().filter(Published.NotDurable.class::isInstance).count();
        if (failed > 0) {
            LOG.warn("{} of {} events of a batch not acknowledged by Kafka", failed, events.size());
        }
        return outcomes;
    }

    @Override
    public CompletableFuture<Void> publishAsync(String key, SpecificRecord event) {
        return send(TopicRecords.of(Topics.UNSUBSCRIBE_EVENTS, key, event));
    }

    /**
     * Sends and answers at once: the future completes from the producer's callback, or fails with an
     * {@link EventNotDurableException} (refused, or not acknowledged within {@code capture.publish-timeout}).
     */
    private CompletableFuture<Void> send(ProducerRecord<String, SpecificRecord> record) {
        String topic = record.topic();
        SpecificRecord event = record.value();
        CompletableFuture<Void> durable = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    LOG.debug("Published {} to {}-{}@{}", event.getSchema().getName(), metadata.topic(), metadata.partition(), metadata.offset());
                    durable.complete(null);
                } else {
                    durable.completeExceptionally(failed(topic, event, "Kafka refused the event: " + error.getMessage(), error));
                }
            });
        } catch (RuntimeException e) {
            // Serialization (registry unreachable, schema refused by the compatibility rule) and metadata timeouts
            // surface synchronously from send().
            durable.completeExceptionally(failed(topic, event, e.getClass().getSimpleName() + ": " + e.getMessage(), e));
        }
        return durable.orTimeout(config.getPublishTimeout().toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            return CompletableFuture.failedFuture(cause instanceof EventNotDurableException
                    ? cause
                    : failed(topic, event, "Kafka did not acknowledge within " + config.getPublishTimeout(), cause));
        });
    }

    /** Makes new settings durable on the compacted settings topic. */
    public void publishSettings(SyncSettings settings) {
        publish(TopicRecords.of(Topics.SETTINGS, Topics.SETTINGS_KEY, settings));
    }

    /** Makes a console logout durable, so every instance refuses the session. */
    public void publishSessionEnded(ConsoleSessionEnded ended) {
        publish(TopicRecords.of(Topics.CONSOLE_SESSIONS_ENDED, ended.getSessionId(), ended));
    }

    private void publish(ProducerRecord<String, SpecificRecord> record) {
        String topic = record.topic();
        SpecificRecord event = record.value();
        try {
            send(record).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof EventNotDurableException notDurable
                    ? notDurable
                    : failed(topic, event, "interrupted or failed while waiting for Kafka: " + e.getCause(), e.getCause());
        }
    }

    private static EventNotDurableException failed(String topic, SpecificRecord event, String why, Throwable cause) {
        LOG.warn("Could not publish {} (schema {}) to {}: {}", event.getSchema().getName(), event.getSchema().getFullName(), topic, why);
        return new EventNotDurableException(why, cause);
    }
}
