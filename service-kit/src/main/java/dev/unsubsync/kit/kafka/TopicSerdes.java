package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import io.apicurio.registry.serde.avro.AvroSerde;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The serde of each typed {@link Topic}'s values, for Kafka Streams topologies: one bundle handed to a topology builder
 * instead of a serde per type. Every Avro topic's values go through one registry-backed serde (its schema found per
 * record); the type a topology gets is the topic's own.
 */
public final class TopicSerdes {

    private final Serde<SpecificRecord> avro;

    public TopicSerdes(Serde<SpecificRecord> avro) {
        this.avro = avro;
    }

    /** Serdes through the registry, with the service's registry settings. */
    public static TopicSerdes through(Map<String, Object> clientConfig) {
        AvroSerde<SpecificRecord> serde = new AvroSerde<>();
        serde.configure(new HashMap<>(clientConfig), false);
        return new TopicSerdes(serde);
    }

    /** The serde of {@code topic}'s values. */
    @SuppressWarnings("unchecked") // One Avro serde reads and writes every SpecificRecord type; the topic fixes which.
    public <V extends SpecificRecord> Serde<V> values(Topic<?, V> topic) {
        return (Serde<V>) (Serde<?>) avro;
    }
}
