package dev.unsubsync.reconciler.bench;

import static dev.unsubsync.testsupport.ProcessStats.cpuSeconds;
import static dev.unsubsync.testsupport.ProcessStats.heapLive;
import static dev.unsubsync.testsupport.ProcessStats.heapUsed;
import static dev.unsubsync.testsupport.ProcessStats.rssMiB;
import static org.awaitility.Awaitility.await;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.reconciler.diff.ReconcileStreams;
import dev.unsubsync.reconciler.directory.DirectoryReads;
import dev.unsubsync.reconciler.run.StreamsBarrier;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.salesforce.SalesforceConfiguration;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for the people directory's full load (issue 12; measures and prints, asserts nothing about speed): the
 * real broker and registry, the emulator as its own JVM seeded with {@code bench.contacts} (1,000,000) Contacts and as
 * many Leads, the reconciler as its own JVM.
 *
 * <p>Floor: the raw Bulk API 2.0 read of the same rows (both objects, the directory's own queries) by the shared client in
 * this JVM, rows counted and dropped. Then the reconciler starts and makes its first full load: measured from its
 * {@code salesforce-directory-state} (start → end of the read into {@code salesforce-records}) and until the Streams
 * application has built {@code salesforce-people} from it; heap and RSS of the reconciler after.
 *
 * <p>{@code ./mvnw -Pbench -pl nightly-reconciler -am verify -Dtest=DirectoryLoadBench -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class DirectoryLoadBench {

    @Test
    void fullLoadOfAMillionContactsAndAMillionLeads() throws Exception {
        EventClasses.trust();
        int contacts = Integer.getInteger("bench.contacts", 1_000_000);
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        Path logs = Path.of(System.getProperty("java.io.tmpdir"));
        int emulatorPort = freePort();
        String emulatorUrl = "http://127.0.0.1:" + emulatorPort;
        try (ServiceProcess emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(emulatorPort), "emulator.client-id", "bench", "emulator.client-secret", "bench",
                        "emulator.seed-contacts", "0", "emulator.seed-leads", "0", "emulator.daily-api-requests", "100000000"),
                List.of("-Xmx8g", "-XX:+UseParallelGC"), logs.resolve("bench-directory-emulator.log"), URI.create(emulatorUrl + "/health"),
                Duration.ofMinutes(2))) {
            EmulatorClient salesforce = new EmulatorClient(emulatorUrl, "bench", "bench");
            long seedStarted = System.nanoTime();
            salesforce.admin("POST", "/seed", "{\"contacts\":" + contacts + ",\"leads\":" + contacts + ",\"optedOutEvery\":10}");
            System.out.printf("emulator: %,d Contacts and %,d Leads seeded in %.1f s, RSS %d MiB%n", contacts, contacts, seconds(seedStarted),
                    rssMiB(emulator.pid()));

            SalesforceConfiguration config = new SalesforceConfiguration();
            config.setLoginUrl(emulatorUrl);
            config.setClientId("bench");
            config.setClientSecret("bench");
            SalesforceClient client = new SalesforceClient(config, JsonMapper.createDefault());
            for (int round = 1; round <= 2; round++) {
                long floorStarted = System.nanoTime();
                long rows = 0;
                for (String object : List.of("Contact", "Lead")) {
                    long[] counted = {0};
                    Outcome<Long> read = client.bulkQuery(DirectoryReads.fullLoad(object, null), 50_000, row -> counted[0]++);
                    if (!(read instanceof Outcome.Ok<Long>)) {
                        throw new IllegalStateException(read.describe());
                    }
                    rows += counted[0];
                }
                System.out.printf("floor (raw Bulk read, round %d): %,d rows in %.1f s%n", round, rows, seconds(floorStarted));
            }
            kafkaFloor(infra, client, emulator.pid());
            if (Boolean.getBoolean("bench.floorOnly")) {
                return;
            }

            int port = freePort();
            long self = ProcessHandle.current().pid();
            double emulatorCpu = cpuSeconds(emulator.pid());
            double brokerCpu = cpuSeconds(self);
            long launched = System.nanoTime();
            Map<String, String> settings = new java.util.HashMap<>(
                    Map.of("micronaut.server.port", String.valueOf(port), "kafka.bootstrap.servers", infra.bootstrapServers(),
                            "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                            "salesforce.client-id", "bench", "salesforce.client-secret", "bench", "reconciler.api-token", "bench-token",
                            "reconciler.state-dir", logs.resolve("bench-directory-" + UUID.randomUUID()).toString(),
                            // A second full load 150 s after the first (once the first is built): the nightly reload of an org
                            // that barely changed. No poll in between: every seeded record is within a poll's overlap window
                            // (all were made seconds ago), so a poll would re-read all of them while the load is measured.
                            "reconciler.directory-full-load-every", "120s", "reconciler.directory-poll-interval", "150s"));
            // -Dbench.reconciler.<setting>=<value> tries a reconciler setting, e.g. -Dbench.reconciler.reconciler.streams-commit-interval=1s
            settings.putAll(benchSettings("bench.reconciler.", ""));
            try (ServiceProcess reconciler = ServiceProcess.start("nightly-reconciler", ServiceProcess.projectRoot(), "nightly-reconciler",
                    "dev.unsubsync.reconciler.Application", settings,
                    reconcilerJvm(), logs.resolve("bench-directory-reconciler.log"), URI.create("http://127.0.0.1:" + port + "/health/liveness"),
                    Duration.ofMinutes(2))) {
                TopicClients topics = TopicClients.of(infra);
                DirectoryState state = await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(2)).until(() -> latestState(topics),
                        s -> s != null && s.getFullLoadEndedAt() != null);
                double load = Duration.between(state.getFullLoadStartedAt(), state.getFullLoadEndedAt()).toMillis() / 1000.0;
                System.out.printf(
                        "reconciler: full load %s read %,d records into salesforce-records in %.1f s (%.1f s after launch, start-up included); heap %s%n",
                        state.getFullLoadId(), state.getFullLoadRecords(), load, seconds(launched), heapUsed(reconciler.pid()));
                long built = System.nanoTime();
                awaitDirectoryBuilt(infra);
                System.out.printf(
                        "reconciler: salesforce-people built %.1f s after the load ended (%.1f s after it ended on the state topic); RSS %d MiB, heap %s, after a full GC %s (-Xmx1g)%n",
                        seconds(built), Duration.between(state.getFullLoadEndedAt(), java.time.Instant.now()).toMillis() / 1000.0,
                        rssMiB(reconciler.pid()), heapUsed(reconciler.pid()), heapLive(reconciler.pid()));
                // Where the 2 cores went from launch to the directory built: the reconciler (start-up included), the
                // emulator (serving the Bulk results) and this JVM (the broker and the registry; the harness idles).
                System.out.printf("cpu from launch to built: reconciler %.1f s, emulator %.1f s, broker and registry (test JVM) %.1f s; wall %.1f s%n",
                        cpuSeconds(reconciler.pid()), cpuSeconds(emulator.pid()) - emulatorCpu, cpuSeconds(self) - brokerCpu, seconds(launched));

                DirectoryState reload = await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2)).until(() -> latestState(topics),
                        s -> s != null && !s.getFullLoadId().equals(state.getFullLoadId()) && s.getFullLoadEndedAt() != null);
                awaitDirectoryBuilt(infra);
                System.out.printf(
                        "reconciler: second full load (nothing changed) %,d records in %.1f s, directory current %.1f s after it ended on the state topic%n",
                        reload.getFullLoadRecords(), Duration.between(reload.getFullLoadStartedAt(), reload.getFullLoadEndedAt()).toMillis() / 1000.0,
                        Duration.between(reload.getFullLoadEndedAt(), java.time.Instant.now()).toMillis() / 1000.0);

                // What holding the directory costs a pusher: it reads salesforce-people whole at start-up.
                int pusherPort = freePort();
                String pusherUrl = "http://127.0.0.1:" + pusherPort;
                long pusherLaunched = System.nanoTime();
                try (ServiceProcess pusher = ServiceProcess.start("salesforce-pusher", ServiceProcess.projectRoot(), "salesforce-pusher",
                        "dev.unsubsync.pusher.Application",
                        Map.of("micronaut.server.port", String.valueOf(pusherPort), "kafka.bootstrap.servers", infra.bootstrapServers(),
                                "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                                "salesforce.client-id", "bench", "salesforce.client-secret", "bench", "pusher.api-token", "bench-token"),
                        List.of("-Xmx2g"), logs.resolve("bench-directory-pusher.log"), URI.create(pusherUrl + "/health/liveness"), Duration.ofMinutes(2))) {
                    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                    String metrics = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> http.send(
                            java.net.http.HttpRequest.newBuilder(URI.create(pusherUrl + "/prometheus")).header("Authorization", "Bearer bench-token").build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body(),
                            body -> body.contains("unsubsync_directory_caught_up 1.0"));
                    String people = metrics.lines().filter(l -> l.startsWith("unsubsync_directory_people ")).findFirst().orElse("?");
                    System.out.printf("pusher: directory read %.1f s after launch (%s); heap after a full GC %s (-Xmx2g); RSS %d MiB%n",
                            seconds(pusherLaunched), people, heapLive(pusher.pid()), rssMiB(pusher.pid()));
                }
            }
        }
    }

    /**
     * Two floors, each the same Bulk read followed by the least some design would write, through the loader's own producer
     * ({@link KafkaClients#bulkProducer()}, the reconciler's settings) to a scratch topic nothing reads, timed to the last
     * acknowledgement; twice each, like the raw read. <b>Records</b>: each row as the {@link SalesforceRecord} the loader
     * writes (fingerprint header included), sent as it is read: the least any design pays that keeps each record in Kafka.
     * <b>Entries</b>: the rows grouped by person in memory, and once both objects are read one {@link SalesforcePeople}
     * entry per person sent (1,000,001 for 2,000,000 rows): the least a loader pays that writes the directory's topic
     * itself, with no Kafka Streams step between.
     */
    private static void kafkaFloor(TestInfrastructure infra, SalesforceClient client, long emulatorPid) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(
                Map.of("kafka.bootstrap.servers", infra.bootstrapServers(), "kafka.apicurio.registry.url", infra.registry().apiUrl()));
        // -Dbench.floor.<producer setting>=<value> tries the loader's producer with another setting (kafka.producers.bulk.*).
        settings.putAll(benchSettings("bench.floor.", "kafka.producers.bulk."));
        try (ApplicationContext context = ApplicationContext.builder().properties(settings).build();
                Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            KafkaClients kafka = new KafkaClients(context.getEnvironment().start());
            for (int round = 1; round <= 2; round++) {
                for (boolean entries : List.of(false, true)) {
                    Topic<String, ?> shape = entries ? Topics.SALESFORCE_PEOPLE : Topics.SALESFORCE_RECORDS;
                    String topic = "bench-directory-floor-" + (entries ? "entries-" : "records-") + round + "-" + UUID.randomUUID().toString().substring(0, 8);
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(shape.partitions()), Optional.empty()).configs(shape.config())))
                            .all().get(30, TimeUnit.SECONDS);
                    long started = System.nanoTime();
                    double selfCpu = cpuSeconds(ProcessHandle.current().pid());
                    double emulatorCpu = cpuSeconds(emulatorPid);
                    AtomicReference<Exception> failure = new AtomicReference<>();
                    Callback failed = (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    };
                    long sent = 0;
                    Map<String, List<DirectoryEntry>> people = new java.util.HashMap<>();
                    try (KafkaProducer<String, SpecificRecord> producer = kafka.bulkProducer()) {
                        for (String object : List.of("Contact", "Lead")) {
                            long[] counted = {0};
                            Outcome<Long> read = client.bulkQuery(DirectoryReads.fullLoad(object, null), 50_000,
                                    row -> DirectoryReads.record(object, row, null, "floor", null).ifPresent(record -> {
                                        if (entries) {
                                            people.computeIfAbsent(PersonKey.of(record.getEmail()), person -> new ArrayList<>(2))
                                                    .add(DirectoryReads.entry(record));
                                        } else {
                                            RecordHeaders headers = new RecordHeaders();
                                            headers.add(Topics.DIRECTORY_FINGERPRINT_HEADER,
                                                    ByteBuffer.allocate(Long.BYTES).putLong(DirectoryReads.fingerprint(record)).array());
                                            producer.send(new ProducerRecord<>(topic, null, record.getId(), record, headers), failed);
                                            counted[0]++;
                                        }
                                    }));
                            if (!(read instanceof Outcome.Ok<Long>)) {
                                throw new IllegalStateException(read.describe());
                            }
                            sent += counted[0];
                        }
                        Instant now = Instant.now();
                        for (Map.Entry<String, List<DirectoryEntry>> person : people.entrySet()) {
                            producer.send(new ProducerRecord<>(topic, person.getKey(),
                                    SalesforcePeople.newBuilder().setRecords(person.getValue()).setUpdatedAt(now).build()), failed);
                            sent++;
                        }
                        producer.flush();
                    }
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    // CPU: this JVM (the Bulk client, the producer, the broker and the registry) and the emulator serving the rows.
                    System.out.printf("floor (Bulk read, then %s, round %d): %,d sent in %.1f s; cpu: this JVM %.1f s, emulator %.1f s%n",
                            entries ? "one entry per person sent once both objects are read" : "each row sent once as it is read", round, sent,
                            seconds(started),
                            cpuSeconds(ProcessHandle.current().pid()) - selfCpu, cpuSeconds(emulatorPid) - emulatorCpu);
                    admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Every {@code -D<prefix><setting>=<value>} given to this run, as {@code <as><setting>=<value>}. */
    private static Map<String, String> benchSettings(String prefix, String as) {
        Map<String, String> found = new java.util.HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                .forEach(name -> found.put(as + name.substring(prefix.length()), System.getProperty(name)));
        return found;
    }

    /** Waits until the reconciler's Streams application has committed past both directory topics' ends. */
    private static void awaitDirectoryBuilt(TestInfrastructure infra) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            StreamsBarrier barrier = new StreamsBarrier(admin, Map.of("bootstrap.servers", infra.bootstrapServers()));
            for (List<String> stage : List.of(List.of(Topics.SALESFORCE_RECORDS.name()), List.of(Topics.SALESFORCE_PEOPLE_CHANGES.name()))) {
                if (!barrier.await(ReconcileStreams.APPLICATION_ID, stage, Duration.ofMinutes(30), () -> false)) {
                    throw new IllegalStateException("the directory did not catch up with " + stage);
                }
            }
        }
    }

    /** {@code -Dbench.reconcilerJvm="-XX:StartFlightRecording=…"} adds options (a profile, say) to the reconciler's JVM. */
    private static List<String> reconcilerJvm() {
        List<String> options = new java.util.ArrayList<>(List.of("-Xmx1g"));
        String extra = System.getProperty("bench.reconcilerJvm", "");
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    private static DirectoryState latestState(TopicClients topics) {
        var states = topics.collectAvro(Topics.DIRECTORY_STATE.name(), r -> r.value() instanceof DirectoryState, found -> false, Duration.ofSeconds(2));
        return states.isEmpty() ? null : (DirectoryState) states.getLast().value();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
