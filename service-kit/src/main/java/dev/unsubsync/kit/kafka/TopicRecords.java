package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Records for a typed {@link Topic}: the key and the value must be of the topic's types, so sending a
 * {@code SalesforceOptOut} to {@code reconcile-runs} is a compile error, not a poison record. The record is typed for the
 * producer it goes to ({@code W}: a producer of any Avro value takes a record of any of our topics).
 */
public final class TopicRecords {

    private TopicRecords() {
    }

    /** A record of {@code topic}, partitioned by its key. */
    public static <K, V extends W, W> ProducerRecord<K, W> of(Topic<K, V> topic, K key, V value) {
        return new ProducerRecord<>(topic.name(), key, value);
    }

    /** A record of {@code topic} for one partition (null: by key), with headers. */
    public static <K, V extends W, W> ProducerRecord<K, W> of(Topic<K, V> topic, Integer partition, K key, V value, Iterable<Header> headers) {
        return new ProducerRecord<>(topic.name(), partition, key, value, headers);
    }
}
