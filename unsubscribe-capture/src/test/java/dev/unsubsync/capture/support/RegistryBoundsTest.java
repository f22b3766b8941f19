package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.ConsoleSessionEnded;
import dev.unsubsync.kit.kafka.BoundedSchemaResolver;
import dev.unsubsync.kit.kafka.RegistryErrors;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registry calls never hang a service: each has a time limit, a dropped connection is asked again, and a schema registered
 * at start-up is written afterwards without the registry. The registry is reached through a small TCP relay of the test's
 * own, which can pass traffic, drop connections, or swallow them (accept and never answer: the worst a registry can do).
 */
@ExtendWith(RealInfrastructureExtension.class)
class RegistryBoundsTest {

    @Test
    void aRegistryThatNeverAnswersCostsATimeLimitAndIsAnOutageNotBadData() throws Exception {
        try (Relay relay = new Relay(URI.create(TestInfrastructure.get().registry().apiUrl()))) {
            relay.mode = Relay.Mode.SWALLOW;
            long began = System.nanoTime();
            RuntimeException failure = assertThrows(RuntimeException.class, () -> serializer(relay).serialize(topic(), ended()));
            long millis = (System.nanoTime() - began) / 1_000_000;
            assertTrue(millis < 8_000, "bounded by 2 attempts of 1 s (and the backoff), took " + millis + " ms");
            assertTrue(RegistryErrors.unavailable(failure), "an outage, to be waited out: " + failure);
        }
    }

    @Test
    void aDroppedConnectionIsAskedAgain() throws Exception {
        try (Relay relay = new Relay(URI.create(TestInfrastructure.get().registry().apiUrl()))) {
            relay.mode = Relay.Mode.DROP_FIRST;
            byte[] bytes = serializer(relay).serialize(topic(), ended());
            assertEquals(0, bytes[0], "written in the wire format");
            assertTrue(relay.dropped.get() >= 1, "the first connection was dropped");
        }
    }

    @Test
    void aSchemaRegisteredAtStartUpIsWrittenWithoutTheRegistryAfterwards() throws Exception {
        try (Relay relay = new Relay(URI.create(TestInfrastructure.get().registry().apiUrl()))) {
            String topic = topic();
            var topicOfItsOwn = new dev.unsubsync.schemas.Topic<>(topic, String.class, ConsoleSessionEnded.class, 1, Map.of());
            SchemaWarmup warmup = SchemaWarmup.start("test", config(relay), SchemaWarmup.valuesOf(List.of(topicOfItsOwn)));
            assertTrue(warmup.await(Duration.ofSeconds(30)), "registered");

            relay.mode = Relay.Mode.SWALLOW;
            long began = System.nanoTime();
            byte[] bytes = serializer(relay).serialize(topic, ended());
            assertEquals(0, bytes[0]);
            assertTrue((System.nanoTime() - began) / 1_000_000 < 1_000, "no registry call: the process already knows the id");
        }
    }

    private static String topic() {
        // A topic of its own per test, so no schema id is known to the process before the test asks.
        return Topics.CONSOLE_SESSIONS_ENDED.name() + "-bounds-" + UUID.randomUUID();
    }

    private static ConsoleSessionEnded ended() {
        return ConsoleSessionEnded.newBuilder().setSessionId("s").setKeyName("k").setEndedAt(Instant.now()).setExpiresAt(Instant.now()).build();
    }

    private static Map<String, Object> config(Relay relay) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", relay.url());
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.artifact-resolver-strategy", dev.unsubsync.schemas.Subjects.STRATEGY);
        config.put("apicurio.registry.schema-resolver", BoundedSchemaResolver.class.getName());
        config.put(BoundedSchemaResolver.TIMEOUT, "1000");
        config.put(BoundedSchemaResolver.ATTEMPTS, "2");
        return config;
    }

    private static AvroKafkaSerializer<ConsoleSessionEnded> serializer(Relay relay) {
        dev.unsubsync.schemas.EventClasses.trust();
        AvroKafkaSerializer<ConsoleSessionEnded> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config(relay), false);
        return serializer;
    }

    /** A TCP relay in front of the registry. */
    static final class Relay implements AutoCloseable {
        enum Mode { PASS, DROP_FIRST, SWALLOW }

        volatile Mode mode = Mode.PASS;
        final AtomicInteger dropped = new AtomicInteger();
        private final ServerSocket server;
        private final URI target;
        private final List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

        Relay(URI target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(this::accept);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + target.getRawPath();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    held.add(client);
                    switch (mode) {
                        case SWALLOW -> {
                        }
                        case DROP_FIRST -> {
                            if (dropped.getAndIncrement() == 0) {
                                client.close();
                            } else {
                                pipe(client);
                            }
                        }
                        case PASS -> pipe(client);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pipe(Socket client) throws IOException {
            Socket upstream = new Socket(target.getHost(), target.getPort());
            held.add(upstream);
            Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
            Thread.ofPlatform().daemon().start(() -> copy(upstream, client));
        }

        private static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // One side closed: the other goes too.
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
