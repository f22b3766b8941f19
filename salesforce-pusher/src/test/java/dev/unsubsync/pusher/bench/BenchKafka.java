package dev.unsubsync.pusher.bench;

import static org.awaitility.Awaitility.await;

import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the pusher's load harnesses share: an Avro producer, a background reader of push results, the emulator's counters. */
final class BenchKafka {

    static final String COMPOSITE = "PATCH /services/data/{version}/composite/sobjects";
    static final String QUERY = "GET /services/data/{version}/query";

    private BenchKafka() {
    }

    static KafkaProducer<String, SpecificRecord> producer(TestInfrastructure infra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put("apicurio.registry.url", infra.registry().apiUrl());
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.dereference-schema", true);
        config.put("apicurio.registry.artifact-resolver-strategy", dev.unsubsync.schemas.Subjects.STRATEGY);
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    /**
     * The state a reconciler keeping the directory publishes (a full load finished, a poll just now), so the pusher
     * trusts the directory as in production: without it, an unsubscribe that names a record looks its email up live too.
     */
    static void directoryRefreshed(KafkaProducer<String, SpecificRecord> producer) throws Exception {
        Instant now = Instant.now();
        producer.send(new ProducerRecord<>(Topics.DIRECTORY_STATE.name(), Topics.DIRECTORY_STATE_KEY, DirectoryState.newBuilder()
                .setFullLoadId("bench").setFullLoadStartedAt(now).setFullLoadEndedAt(now).setLastPollAt(now).build())).get();
    }

    /** API requests the emulator counted for one endpoint. */
    static long calls(EmulatorClient salesforce, String endpoint) throws IOException, InterruptedException {
        Object calls = ((Map<?, ?>) salesforce.admin("GET", "", null).get("calls")).get(endpoint);
        return calls instanceof Number n ? n.longValue() : 0;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Reads push results in the background. */
    static final class ResultReader implements AutoCloseable {
        private final List<OptOutPushResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Instant> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Instant> sent = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        ResultReader(TestInfrastructure infra) {
            Map<String, Object> config = new HashMap<>();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put("apicurio.registry.url", infra.registry().apiUrl());
            config.put("apicurio.registry.use-specific-avro-reader", true);
            AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
            deserializer.configure(config, false);
            KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer);
            consumer.subscribe(List.of(Topics.PUSH_RESULTS.name()));
            thread = Thread.ofPlatform().start(() -> {
                try (consumer) {
                    while (running) {
                        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                            results.add((OptOutPushResult) r.value());
                            arrivals.add(Instant.now());
                        });
                    }
                }
            });
        }

        /** Remembers when an event was recorded, to measure its latency. */
        void sent(dev.unsubsync.events.UnsubscribeRecorded event) {
            sent.put(event.getEventId(), event.getRecordedAt());
        }

        void awaitCount(int count, Duration timeout) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> results.size() >= count);
        }

        /** Waits until every event whose email starts with {@code prefix} has at least one result; answers how many events did. */
        long awaitEvents(String prefix, int events, Duration timeout) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> eventsAnswered(prefix) >= events);
            return eventsAnswered(prefix);
        }

        private long eventsAnswered(String prefix) {
            synchronized (results) {
                return results.stream().filter(r -> r.getEmail().startsWith(prefix)).map(OptOutPushResult::getUnsubscribeEventId).distinct().count();
            }
        }

        int size() {
            return results.size();
        }

        Instant firstArrival() {
            return arrivals.getFirst();
        }

        Instant lastArrival() {
            return arrivals.getLast();
        }

        long notWritten() {
            synchronized (results) {
                return results.stream().filter(r -> r.getOutcome() != PushOutcome.WRITTEN).count();
            }
        }

        /** Results of events whose email starts with {@code prefix}, by outcome. */
        Map<PushOutcome, Long> outcomes(String prefix) {
            Map<PushOutcome, Long> counts = new java.util.TreeMap<>();
            synchronized (results) {
                results.stream().filter(r -> r.getEmail().startsWith(prefix)).forEach(r -> counts.merge(r.getOutcome(), 1L, Long::sum));
            }
            return counts;
        }

        /** Per result: its decidedAt minus its event's recordedAt. */
        List<Long> latenciesMillis(String prefix) {
            List<Long> latencies = new ArrayList<>();
            synchronized (results) {
                for (OptOutPushResult result : results) {
                    Instant recordedAt = sent.get(result.getUnsubscribeEventId());
                    if (result.getEmail().startsWith(prefix) && recordedAt != null) {
                        latencies.add(Duration.between(recordedAt, result.getDecidedAt()).toMillis());
                    }
                }
            }
            return latencies;
        }

        /** Per event whose id starts with {@code eventIdPrefix}: its last result's decidedAt minus its recordedAt, sorted. */
        List<Long> phaseLatencies(String eventIdPrefix) {
            Map<String, Instant> last = new HashMap<>();
            synchronized (results) {
                for (OptOutPushResult result : results) {
                    if (result.getUnsubscribeEventId().startsWith(eventIdPrefix) && sent.containsKey(result.getUnsubscribeEventId())) {
                        last.merge(result.getUnsubscribeEventId(), result.getDecidedAt(), (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
            }
            List<Long> latencies = new ArrayList<>();
            last.forEach((event, decided) -> latencies.add(Duration.between(sent.get(event), decided).toMillis()));
            latencies.sort(Long::compare);
            return latencies;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
