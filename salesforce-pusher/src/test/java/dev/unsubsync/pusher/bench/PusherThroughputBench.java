package dev.unsubsync.pusher.bench;

import static dev.unsubsync.testsupport.ProcessStats.heapUsed;
import static dev.unsubsync.testsupport.ProcessStats.rssMiB;
import static org.awaitility.Awaitility.await;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for the pusher (measures and prints; asserts nothing about speed). The real broker and registry, the
 * emulator as its own JVM with 150 ms added to every call, the pusher as its own JVM with its defaults.
 *
 * <p>Phase 1: a backlog of {@code bench.backlog} (100,000) unsubscribes for distinct Contacts is on the topic before the
 * pusher starts; measured: time to drain, API calls, records per call, records/s. Phase 2: {@code bench.rate} (200)
 * events/s for {@code bench.seconds} (30 s); measured: end-to-end latency from the event's recordedAt (what capture's
 * 202 stamps) to the result the pusher publishes once Salesforce confirmed, p50/p99.
 *
 * <p>{@code ./mvnw -Pbench -pl salesforce-pusher -am verify}
 */
@Tag("bench")
class PusherThroughputBench {

    @Test
    void backlogDrainAndSteadyLatency() throws Exception {
        EventClasses.trust();
        int backlog = Integer.getInteger("bench.backlog", 100_000);
        int rate = Integer.getInteger("bench.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 30);
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        int emulatorPort = BenchKafka.freePort();
        String emulatorUrl = "http://127.0.0.1:" + emulatorPort;
        Path logs = Path.of(System.getProperty("java.io.tmpdir"));
        try (ServiceProcess emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(emulatorPort), "emulator.client-id", "bench", "emulator.client-secret", "bench",
                        "emulator.seed-contacts", String.valueOf(backlog + rate * seconds), "emulator.seed-leads", "0",
                        "emulator.daily-api-requests", "100000000"),
                List.of("-Xmx3g"), logs.resolve("bench-emulator.log"), URI.create(emulatorUrl + "/health"), Duration.ofMinutes(5))) {
            System.out.printf("emulator seeded and up: RSS %d MiB%n", rssMiB(emulator.pid()));
            EmulatorClient salesforce = new EmulatorClient(emulatorUrl, "bench", "bench");
            List<String> ids = new ArrayList<>();
            for (Map<String, Object> row : salesforce.queryAll("SELECT Id FROM Contact")) {
                ids.add((String) row.get("Id"));
            }
            salesforce.admin("PUT", "/faults", "{\"latencyMs\":150}");

            // Phase 1: the backlog is on the topic before the pusher starts.
            try (KafkaProducer<String, SpecificRecord> producer = BenchKafka.producer(infra)) {
                for (int i = 0; i < backlog; i++) {
                    UnsubscribeRecorded event = event("backlog" + i + "@example.com", ids.get(i), Instant.now());
                    producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(event.getEmail()), event));
                }
                producer.flush();
                // A reconciler keeps the directory in production; its state says so (the bench's emails are in no record).
                BenchKafka.directoryRefreshed(producer);
            }
            long callsBefore = BenchKafka.calls(salesforce, BenchKafka.COMPOSITE);
            int pusherPort = BenchKafka.freePort();
            Instant launched = Instant.now();
            try (ServiceProcess pusher = ServiceProcess.start("salesforce-pusher", ServiceProcess.projectRoot(), "salesforce-pusher",
                    "dev.unsubsync.pusher.Application",
                    Map.of("micronaut.server.port", String.valueOf(pusherPort), "kafka.bootstrap.servers", infra.bootstrapServers(),
                            "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                            "salesforce.client-id", "bench", "salesforce.client-secret", "bench"),
                    List.of("-Xmx512m"), logs.resolve("bench-pusher.log"), URI.create("http://127.0.0.1:" + pusherPort + "/health/liveness"),
                    Duration.ofMinutes(2));
                    BenchKafka.ResultReader results = new BenchKafka.ResultReader(infra)) {
                results.awaitCount(backlog, Duration.ofMinutes(10));
                Duration drain = Duration.between(results.firstArrival(), results.lastArrival());
                System.out.printf("pusher started and pushed its first batch %.1f s after launch%n",
                        Duration.between(launched, results.firstArrival()).toMillis() / 1000.0);
                long calls = BenchKafka.calls(salesforce, BenchKafka.COMPOSITE) - callsBefore;
                System.out.printf(
                        "backlog: %,d unsubscribes drained in %.1f s (first result to last) = %,.0f records/s; %,d Collections calls, %.1f records per call; %d not WRITTEN%n",
                        backlog, drain.toMillis() / 1000.0, backlog / (drain.toMillis() / 1000.0), calls, (double) backlog / calls, results.notWritten());
                System.out.printf("pusher after backlog: RSS %d MiB, heap used %s%n", rssMiB(pusher.pid()), heapUsed(pusher.pid()));

                // Phase 2: steady traffic.
                int steady = rate * seconds;
                long callsBeforeSteady = BenchKafka.calls(salesforce, BenchKafka.COMPOSITE);
                try (KafkaProducer<String, SpecificRecord> producer = BenchKafka.producer(infra)) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steady; i++) {
                        long due = t0 + (long) (i * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        UnsubscribeRecorded event = event("steady" + i + "@example.com", ids.get(backlog + i), Instant.now());
                        results.sent(event);
                        producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(event.getEmail()), event));
                    }
                }
                results.awaitCount(backlog + steady, Duration.ofMinutes(5));
                List<Long> latencies = results.latenciesMillis("steady");
                latencies.sort(Long::compare);
                long steadyCalls = BenchKafka.calls(salesforce, BenchKafka.COMPOSITE) - callsBeforeSteady;
                System.out.printf(
                        "steady: %d events/s for %d s: latency recordedAt -> confirmed p50 %d ms, p99 %d ms, max %d ms; %,d calls, %.1f records per call%n",
                        rate, seconds, latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.99)), latencies.getLast(),
                        steadyCalls, (double) steady / steadyCalls);
                System.out.printf("pusher at the end: RSS %d MiB, heap used %s%n", rssMiB(pusher.pid()), heapUsed(pusher.pid()));
            }
        }
    }

    private static UnsubscribeRecorded event(String email, String id, Instant now) {
        return UnsubscribeRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setEmail(email).setSalesforceId(id)
                .setPersonType(PersonType.CONTACT).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(now).setRecordedAt(now).build();
    }

}
