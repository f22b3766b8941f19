package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One full load's writes to {@code salesforce-records}, the topic the directory is built from: a record read exactly as the
 * topic already holds it is not written again (a nightly reload of an org that barely changed writes almost nothing, and
 * nothing downstream has to look at it), a changed or new one is, and when the read is over every record the topic holds
 * that the load did not read is tombstoned: it is gone from Salesforce (deleted and purged, or out of the integration
 * user's sight). What the topic holds is read from the topic itself ({@link #image}) at a leader's first load; the
 * leader then keeps it, up to date with every write of its loads and polls, for as long as it leads without a break
 * (its term) and no write failed: the loader is the topic's only writer, so nothing else changes the topic meanwhile.
 *
 * <p>Each written record carries its {@link DirectoryReads#fingerprint fingerprint} in a header, so the next load's image
 * is built from keys and headers alone, without decoding a value.
 */
final class DirectoryLoad {

    private final Sink sink;
    private final Future<RecordImage> reading;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private RecordImage image;
    private long read;
    private long written;
    private long gone;

    /** Where a load's records go: a producer's {@code send}, or a transaction's ({@link DirectoryWriter}). */
    interface Sink {
        void send(ProducerRecord<String, SpecificRecord> record, Callback callback);
    }

    /**
     * @param image what the topic holds: kept from the last load, or still being read (on another thread while Salesforce
     *              prepares the Bulk query's results); the first record read waits for it
     */
    DirectoryLoad(Sink sink, Future<RecordImage> image) {
        this.sink = sink;
        this.reading = image;
    }

    /** Reads what the topic holds on a thread of its own, from now, while the caller starts the Bulk query. */
    static Future<RecordImage> readImage(Map<String, Object> clientConfig, int expected, Duration timeout) {
        CompletableFuture<RecordImage> image = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("people-directory-image").start(() -> {
            try {
                image.complete(image(clientConfig, expected, timeout));
            } catch (Exception | Error e) {
                image.completeExceptionally(e);
            }
        });
        return image;
    }

    private RecordImage image() {
        if (image == null) {
            try {
                image = reading.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + Topics.SALESFORCE_RECORDS.name(), e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("could not read what " + Topics.SALESFORCE_RECORDS.name() + " holds: " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
        return image;
    }

    /** The record as the topic gets it: keyed by its ID, its fingerprint in a header ({@code null}: a tombstone). */
    static ProducerRecord<String, SpecificRecord> toTopic(String id, SalesforceRecord record, long fingerprint) {
        RecordHeaders headers = new RecordHeaders();
        if (record != null) {
            headers.add(Topics.DIRECTORY_FINGERPRINT_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(fingerprint).array());
        }
        return TopicRecords.of(Topics.SALESFORCE_RECORDS, null, id, record, headers);
    }

    /** A record the load read. */
    void accept(SalesforceRecord record) {
        read++;
        long fingerprint = DirectoryReads.fingerprint(record);
        if (image().readUnchanged(record.getId(), fingerprint)) {
            return;
        }
        send(toTopic(record.getId(), record, fingerprint));
        image.written(record.getId(), fingerprint);
        written++;
    }

    /** Tombstones every record the topic holds that the load did not read; call once, after the last {@link #accept}. */
    void sweep() {
        image().removeUnread(id -> {
            send(toTopic(id, null, 0));
            gone++;
        });
    }

    /**
     * What the topic holds once this load's writes are on it (call after {@link #sweep} and a successful flush), ready
     * for the next load: the poller keeps it while it leads, and the next load then starts without reading the topic.
     */
    RecordImage imageAfter() {
        RecordImage after = image();
        after.forgetReads();
        return after;
    }

    /** The first send that failed, or null. */
    Exception failure() {
        return failure.get();
    }

    long read() {
        return read;
    }

    long written() {
        return written;
    }

    long gone() {
        return gone;
    }

    private void send(ProducerRecord<String, SpecificRecord> record) {
        sink.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
    }

    /**
     * What {@code salesforce-records} holds now, read from its beginning to the end it has when the read starts: each ID
     * with its latest value's fingerprint (0 for a record written before fingerprints, which then counts as changed), IDs
     * whose latest value is a tombstone left out. Keys and headers only; values are never decoded.
     *
     * @param clientConfig the service's client settings (bootstrap servers, security)
     * @param expected     how many records the topic is likely to hold (the image grows past it)
     * @throws TimeoutException when the topic was not read within {@code timeout} (Kafka away: the load fails and is tried again)
     */
    static RecordImage image(Map<String, Object> clientConfig, int expected, Duration timeout) throws TimeoutException {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The topic is provisioned at start-up; reading it must never create it with a broker default.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Millions of small records read once, as fast as they come: fewer, larger polls.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
        RecordImage image = new RecordImage(expected);
        Instant deadline = Instant.now().plus(timeout);
        // Keys as bytes: an ID is packed from them, no string made per record.
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.SALESFORCE_RECORDS.name(), timeout)
                    .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            if (partitions.isEmpty()) {
                throw new TimeoutException("topic " + Topics.SALESFORCE_RECORDS.name() + " not found");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            ends.entrySet().removeIf(end -> consumer.position(end.getKey(), timeout) >= end.getValue());
            while (!ends.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new TimeoutException("reading " + Topics.SALESFORCE_RECORDS.name() + " took over " + timeout + "; " + ends.size()
                            + " partition(s) not read to their end");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        image.remove(record.key());
                    } else {
                        Header fingerprint = record.headers().lastHeader(Topics.DIRECTORY_FINGERPRINT_HEADER);
                        image.put(record.key(),
                                fingerprint == null || fingerprint.value().length != Long.BYTES ? 0 : ByteBuffer.wrap(fingerprint.value()).getLong());
                    }
                }
                ends.entrySet().removeIf(end -> consumer.position(end.getKey(), timeout) >= end.getValue());
            }
        }
        return image;
    }
}
