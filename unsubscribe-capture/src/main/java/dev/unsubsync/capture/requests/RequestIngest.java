package dev.unsubsync.capture.requests;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.api.FieldError;
import dev.unsubsync.capture.api.UnsubscribeRecorder;
import dev.unsubsync.capture.api.UnsubscribeRequest;
import dev.unsubsync.capture.support.CaptureTuning;
import dev.unsubsync.kit.Backoff;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.schemas.DeadLetterHeaders;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka way in: unsubscribes that upstream systems produce to {@code unsubscribe-requests}, recorded with the API's
 * rules ({@link UnsubscribeRecorder#recordAll}: validation, idempotence by {@code upstreamEventId} or else the record's key,
 * origin {@value #ORIGIN}), published together per batch. A request that can never be recorded goes to {@code unsubscribe-requests-dlt} byte for
 * byte with the reasons in headers. A batch's offsets are committed only once every one of its requests is durable on
 * one of the two topics; when Kafka does not take them, the batch is read again after a pause (a request keeps its
 * event id across tries, so a retry is the same event).
 */
@Singleton
@Requires(property = "capture.requests.enabled", notEquals = "false")
public class RequestIngest implements ApplicationEventListener<ServerStartupEvent>, AutoCloseable {

    /** The origin of every event recorded from the topic. */
    public static final String ORIGIN = "unsubscribe-requests";
    /** The consumer group. */
    public static final String GROUP = "unsubscribe-capture-requests";

    private static final Logger LOG = LoggerFactory.getLogger(RequestIngest.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    private final KafkaClients clients;
    private final UnsubscribeRecorder recorder;
    private final ObjectMapper json;
    private final int maxBatch;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;

    public RequestIngest(KafkaClients clients, UnsubscribeRecorder recorder, ObjectMapper json,
            CaptureTuning.Requests settings) {
        this.clients = clients;
        this.recorder = recorder;
        this.json = json;
        this.maxBatch = settings.maxBatch();
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        thread = Thread.ofPlatform().name("unsubscribe-requests").start(this::run);
    }

    /** Requests recorded and dead-lettered by this instance since it started. */
    public long recorded() {
        return recorded.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    private void run() {
        int retries = 0;
        while (running.get()) {
            try (KafkaConsumer<byte[], byte[]> polling = new KafkaConsumer<>(clients.batchConsumerConfig(GROUP, maxBatch),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
                    KafkaProducer<byte[], byte[]> deadLetters = clients.producer("unsubscribe-requests-dlt", KafkaClients.Profile.DURABLE,
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                consumer = polling;
                polling.subscribe(List.of(Topics.UNSUBSCRIBE_REQUESTS.name()));
                while (running.get()) {
                    ConsumerRecords<byte[], byte[]> batch = polling.poll(Duration.ofMillis(500));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    if (handle(batch, deadLetters)) {
                        polling.commitSync(next(batch));
                        retries = 0;
                    } else {
                        // Not all durable: read the batch again from its first records, after a pause.
                        for (TopicPartition partition : batch.partitions()) {
                            polling.seek(partition, batch.records(partition).getFirst().offset());
                        }
                        RETRY.sleep(++retries);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                Duration pause = RETRY.delay(++retries);
                LOG.error("Reading {} failed ({}); starting again in {} ms", Topics.UNSUBSCRIBE_REQUESTS.name(), e.toString(), pause.toMillis(), e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Records or dead-letters every request of the batch; true once all are durable. */
    private boolean handle(ConsumerRecords<byte[], byte[]> batch, KafkaProducer<byte[], byte[]> deadLetters) throws InterruptedException {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> readable = new ArrayList<>();
        List<UnsubscribeRequest> requests = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                UnsubscribeRequest request = parse(record.value());
                requests.add(request);
                readable.add(record);
                keys.add(RequestKeys.idempotencyKey(record, request));
            } catch (BadRequest e) {
                pending.add(deadLetter(deadLetters, record, List.of(new FieldError(e.field, e.getMessage()))));
            }
        }
        int good = 0;
        int bad = pending.size();
        boolean durable = true;
        // In slices the recorder takes at once: validated, published together, each acknowledged on its own.
        for (int from = 0; from < requests.size(); from += UnsubscribeRecorder.MAX_BATCH) {
            int to = Math.min(requests.size(), from + UnsubscribeRecorder.MAX_BATCH);
            List<UnsubscribeRecorder.ItemOutcome> outcomes = recorder.recordAll(requests.subList(from, to), keys.subList(from, to), ORIGIN);
            for (UnsubscribeRecorder.ItemOutcome outcome : outcomes) {
                if (outcome.recorded() != null) {
                    good++;
                } else if (outcome.notDurable() != null) {
                    durable = false;
                    LOG.warn("A batch of {} requests from {} is not all durable ({}); reading it again", batch.count(),
                            Topics.UNSUBSCRIBE_REQUESTS.name(), outcome.notDurable());
                    break;
                } else {
                    pending.add(deadLetter(deadLetters, readable.get(from + outcome.index()), outcome.errors()));
                    bad++;
                }
            }
            if (!durable) {
                return false;
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn("Dead letters of a batch from {} not taken by Kafka ({}); reading it again", Topics.UNSUBSCRIBE_REQUESTS.name(),
                    e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            LOG.warn("Dead letters of a batch from {} not durable within 60 s; reading it again", Topics.UNSUBSCRIBE_REQUESTS.name());
            return false;
        }
        recorded.addAndGet(good);
        deadLettered.addAndGet(bad);
        return true;
    }

    /** A request the API's rules cannot even read. */
    private static final class BadRequest extends Exception {
        private final String field;

        BadRequest(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private UnsubscribeRequest parse(byte[] value) throws BadRequest {
        if (value == null || value.length == 0) {
            throw new BadRequest("body", "the record has no value; it must be a JSON object");
        }
        if (value.length > MAX_BODY) {
            throw new BadRequest("body", "the value is " + value.length + " bytes; at most " + MAX_BODY + " are read");
        }
        try {
            UnsubscribeRequest request = json.readValue(value, UnsubscribeRequest.class);
            if (request == null) {
                throw new BadRequest("body", "the value must be a JSON object, not null");
            }
            return request;
        } catch (IOException | RuntimeException e) {
            throw new BadRequest("body", "the value is not a JSON object of the documented fields: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private CompletableFuture<Void> deadLetter(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> record, List<FieldError> problems) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        String reasons = String.join("; ", problems.stream().map(p -> p.field() + ": " + p.message()).toList());
        String code = problems.size() == 1 && problems.getFirst().field().equals("body") ? "UNREADABLE_REQUEST" : "INVALID_REQUEST";
        headers.add(DeadLetterHeaders.REASON_CODE, code.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REASON_MESSAGE, reasons.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, String.valueOf(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, String.valueOf(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SERVICE, "unsubscribe-capture".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS_DLT.name(), null, record.key(), record.value(), headers), (metadata, e) -> {
            if (e != null) {
                sent.completeExceptionally(new EventNotDurableException("dead letter not taken by Kafka: " + e.getMessage(), e));
            } else {
                sent.complete(null);
            }
        });
        LOG.info("Request {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(), reasons);
        return sent;
    }

    private static Map<TopicPartition, OffsetAndMetadata> next(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : batch.partitions()) {
            offsets.put(partition, new OffsetAndMetadata(batch.records(partition).getLast().offset() + 1));
        }
        return offsets;
    }

    @Override
    @PreDestroy
    public void close() {
        running.set(false);
        KafkaConsumer<byte[], byte[]> polling = consumer;
        if (polling != null) {
            polling.wakeup();
        }
        Thread running = thread;
        if (running != null) {
            try {
                running.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
