package dev.unsubsync.pusher.push;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.kit.kafka.RegistryErrors;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Apicurio's deserializer throws, sorted: a registry that cannot answer is an outage (wait and read again), an id it
 * does not know or bytes that are not ours are final (dead-letter). Against the real registry and a port nobody listens on.
 */
@ExtendWith(RealInfrastructureExtension.class)
class RegistryErrorsTest {

    /** A Confluent-framed value naming schema id 424242. */
    private static final byte[] UNKNOWN_ID = {0, 0, 6, 121, 50, 2, 3};

    @Test
    void aRegistryThatCannotBeReachedIsAnOutageNotAnUnreadableRecord() throws Exception {
        int closed = FreePorts.one();
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> deserializer("http://127.0.0.1:" + closed + "/apis/registry/v3").deserialize("unsubscribe-events", UNKNOWN_ID));
        assertTrue(RegistryErrors.unavailable(failure), failure.toString());
    }

    @Test
    void anIdTheRegistryDoesNotKnowAndAWrongMagicByteAreFinal() {
        AvroKafkaDeserializer<Object> real = deserializer(TestInfrastructure.get().registry().apiUrl());
        RuntimeException unknown = assertThrows(RuntimeException.class, () -> real.deserialize("unsubscribe-events", UNKNOWN_ID));
        assertFalse(RegistryErrors.unavailable(unknown), unknown.toString());
        RuntimeException notOurs = assertThrows(RuntimeException.class, () -> real.deserialize("unsubscribe-events", "not avro at all".getBytes()));
        assertFalse(RegistryErrors.unavailable(notOurs), notOurs.toString());
    }

    private static AvroKafkaDeserializer<Object> deserializer(String url) {
        AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(Map.of("apicurio.registry.url", url, "apicurio.registry.use-specific-avro-reader", true), false);
        return deserializer;
    }
}
