package dev.unsubsync.pusher.push;

import dev.unsubsync.schemas.DeadLetterHeaders;
import dev.unsubsync.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What a push loop makes of the records of a batch: the parked and dead-lettered copies (original bytes, reason and
 * coordinates in headers), the run id carried back on results, the offsets to commit after the batch and to rewind to
 * before a retry. No I/O.
 */
final class BatchRecords {

    /** Header of a parked event: the fields it waits for, comma-separated. */
    static final String PARKED_FIELDS = "parked.fields";
    /** Header of a parked event: why it waits. */
    static final String PARKED_REASON = "parked.reason";

    private BatchRecords() {
    }

    /** A nightly run's id goes back on the results of what the run asked for, so the run can count them. */
    static RecordHeaders runHeader(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        Header run = record.headers().lastHeader(Topics.RUN_ID_HEADER);
        if (run != null) {
            headers.add(run);
        }
        return headers;
    }

    /** The fields a parked event waits for. */
    static List<String> parkedFields(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(PARKED_FIELDS);
        if (header == null) {
            return List.of();
        }
        return Arrays.stream(new String(header.value(), StandardCharsets.UTF_8).split(",")).filter(f -> !f.isBlank()).toList();
    }

    /** The event, byte for byte, for the parked topic, with what it waits for and where it came from. */
    static ProducerRecord<byte[], byte[]> parked(ConsumerRecord<String, byte[]> record, Parking parking) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().equals(PARKED_FIELDS) && !header.key().equals(PARKED_REASON)) {
                headers.add(header);
            }
        }
        headers.add(PARKED_FIELDS, utf8(String.join(",", parking.fields())));
        headers.add(PARKED_REASON, utf8(parking.describe()));
        addOrigin(headers, record);
        return new ProducerRecord<>(Topics.PUSH_PARKED.name(), null, key(record), record.value(), headers);
    }

    /** The record, byte for byte, for the dead-letter topic, with the reason and where it came from. */
    static ProducerRecord<byte[], byte[]> deadLettered(ConsumerRecord<String, byte[]> record, String code, String message, String service) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        addOrigin(headers, record);
        headers.add(DeadLetterHeaders.REASON_CODE, utf8(code));
        headers.add(DeadLetterHeaders.REASON_MESSAGE, utf8(message == null ? "" : message));
        headers.add(DeadLetterHeaders.SERVICE, utf8(service));
        return new ProducerRecord<>(Topics.PUSH_DEAD_LETTERS.name(), null, key(record), record.value(), headers);
    }

    private static void addOrigin(RecordHeaders headers, ConsumerRecord<String, byte[]> record) {
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, utf8(record.topic()));
        headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, utf8(String.valueOf(record.partition())));
        headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, utf8(String.valueOf(record.offset())));
    }

    private static byte[] key(ConsumerRecord<String, byte[]> record) {
        return record.key() == null ? null : utf8(record.key());
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * After a poll that returned nothing: commits each assigned partition's position where it is past what this loop
     * last committed there ({@code committed}, updated). The position is past every record handled and past the
     * markers ending transactions, which no record's offset + 1 ever reaches.
     */
    static void commitIdlePositions(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            long position = consumer.position(partition);
            Long last = committed.get(partition);
            if (last == null || position > last) {
                moved.put(partition, new OffsetAndMetadata(position));
            }
        }
        if (!moved.isEmpty()) {
            consumer.commitSync(moved);
            moved.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        }
    }

    /** The offsets to commit once every event of the batch has its outcome on Kafka. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** Seeks back to the batch's first offsets, so a retry reads it again in order. */
    static void rewindIfOwned(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        first.forEach((partition, offset) -> {
            // A partition lost in a rebalance is its new owner's to read again from the committed offset.
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }
}
