package dev.unsubsync.schemas;

import java.util.Map;
import java.util.Objects;

/**
 * A Kafka topic with its key and value types, declared once in {@link Topics} and used by every service.
 *
 * @param name       the topic name
 * @param keyType    type of the record key
 * @param valueType  type of the record value (an Avro record type, a common supertype, or {@code byte[]})
 * @param partitions partition count used when the topic is created
 * @param config     topic-level configuration applied when the topic is created
 * @param <K>        key type
 * @param <V>        value type
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions, Map<String, String> config) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        config = Map.copyOf(config);
    }

    @Override
    public String toString() {
        return name;
    }
}
