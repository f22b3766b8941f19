package dev.unsubsync.reconciler.bench;

import static dev.unsubsync.testsupport.ProcessStats.heapUsed;
import static dev.unsubsync.testsupport.ProcessStats.rssMiB;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.reconciler.diff.ReconcileStreams;
import dev.unsubsync.reconciler.run.StreamsBarrier;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for a nightly run (measures and prints; asserts nothing about speed). The real broker and registry, the
 * emulator, the pusher and the reconciler each as their own JVM.
 *
 * <p>Salesforce: {@code bench.contacts} (1,000,000) Contacts, every 10th opted out. Sales side: {@code bench.sales}
 * (200,000) unsubscribes on the ledger: a quarter linked to opted-out Contacts (in sync), a quarter to Contacts not opted
 * out (50,000 to push), half with no Salesforce ID (counted, skipped); of Salesforce's 100,000 opt-outs the other 50,000
 * are Salesforce-only (to record on the sales side).
 * Measured: the run's phases (snapshot, diff, apply), the floor (reading both compacted sides end to end with a plain
 * consumer), the reconciler's heap; then the same differences again with 2 reconciler instances.
 *
 * <p>{@code ./mvnw -Pbench -pl nightly-reconciler -am verify -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class NightlyRunBench {

    private static final String TOKEN = "bench-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void fullRunAgainstAMillionSalesforceRecords() throws Exception {
        EventClasses.trust();
        int contacts = Integer.getInteger("bench.contacts", 1_000_000);
        int sales = Integer.getInteger("bench.sales", 200_000);
        int quarter = sales / 4;
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        TopicClients topics = TopicClients.of(infra);
        topics.send(Topics.SETTINGS.name(), Topics.SETTINGS_KEY, SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        Path logs = Path.of(System.getProperty("java.io.tmpdir"));
        int emulatorPort = freePort();
        String emulatorUrl = "http://127.0.0.1:" + emulatorPort;
        List<ServiceProcess> started = new ArrayList<>();
        try {
            ServiceProcess emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                    "dev.unsubsync.emulator.Application",
                    Map.of("micronaut.server.port", String.valueOf(emulatorPort), "emulator.client-id", "bench", "emulator.client-secret", "bench",
                            "emulator.seed-contacts", "0", "emulator.seed-leads", "0", "emulator.daily-api-requests", "100000000"),
                    List.of("-Xmx4g"), logs.resolve("bench-emulator.log"), URI.create(emulatorUrl + "/health"), Duration.ofMinutes(2));
            started.add(emulator);
            EmulatorClient salesforce = new EmulatorClient(emulatorUrl, "bench", "bench");
            long seedStarted = System.nanoTime();
            salesforce.admin("POST", "/seed", "{\"contacts\":" + contacts + ",\"leads\":0,\"optedOutEvery\":10}");
            System.out.printf("emulator: %,d Contacts seeded in %.1f s, RSS %d MiB%n", contacts, seconds(seedStarted), rssMiB(emulator.pid()));
            List<Map<String, Object>> optedOut = salesforce.queryAll("SELECT Id, Email FROM Contact WHERE HasOptedOutOfEmail = true");
            List<Map<String, Object>> notOptedOut = salesforce.queryAll("SELECT Id, Email FROM Contact WHERE HasOptedOutOfEmail = false LIMIT " + quarter);
            System.out.printf("Salesforce: %,d opted out%n", optedOut.size());

            // The sales side, straight onto the compacted ledger (the pusher would otherwise write every one of them at once).
            long ledgerStarted = System.nanoTime();
            try (KafkaProducer<String, SpecificRecord> producer = producer(infra)) {
                for (int i = 0; i < quarter; i++) {
                    send(producer, Topics.UNSUBSCRIBE_LEDGER.name(), (String) optedOut.get(i).get("Email"), (String) optedOut.get(i).get("Id"));
                    send(producer, Topics.UNSUBSCRIBE_LEDGER.name(), (String) notOptedOut.get(i).get("Email"), (String) notOptedOut.get(i).get("Id"));
                }
                for (int i = 0; i < sales - 2 * quarter; i++) {
                    send(producer, Topics.UNSUBSCRIBE_LEDGER.name(), "prospect" + i + "@example.org", null);
                }
                producer.flush();
            }
            System.out.printf("sales side: %,d unsubscribes on the ledger in %.1f s%n", sales, seconds(ledgerStarted));

            int pusherPort = freePort();
            started.add(ServiceProcess.start("salesforce-pusher", ServiceProcess.projectRoot(), "salesforce-pusher", "dev.unsubsync.pusher.Application",
                    Map.of("micronaut.server.port", String.valueOf(pusherPort), "kafka.bootstrap.servers", infra.bootstrapServers(),
                            "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                            "salesforce.client-id", "bench", "salesforce.client-secret", "bench"),
                    List.of("-Xmx512m"), logs.resolve("bench-pusher.log"), URI.create("http://127.0.0.1:" + pusherPort + "/health/liveness"),
                    Duration.ofMinutes(2)));
            long absorbStarted = System.nanoTime();
            String first = startReconciler(infra, emulatorUrl, "one", started);
            ServiceProcess reconciler = started.getLast();
            awaitAbsorbed(infra);
            System.out.printf("reconciler: sales side absorbed into the diff's stores %.1f s after launch (continuous, not part of a run)%n",
                    seconds(absorbStarted));

            Map<String, Object> run = run(first);
            report("1 instance", run);
            printDiffSplit("bench-reconciler-one.log", run);
            System.out.printf("reconciler after the run: RSS %d MiB, heap %s (-Xmx512m)%n", rssMiB(reconciler.pid()), heapUsed(reconciler.pid()));

            long floorStarted = System.nanoTime();
            long read = readToEnd(infra, List.of(Topics.UNSUBSCRIBE_LEDGER.name(), Topics.SALESFORCE_OPTOUTS.name()));
            long floorMillis = (System.nanoTime() - floorStarted) / 1_000_000;
            long diffMillis = ((Number) report(run).get("diffMillis")).longValue();
            System.out.printf("floor: %,d records of both compacted sides read end to end (Avro decoded) in %,d ms; diff phase %,d ms = %.2f x floor%n",
                    read, floorMillis, diffMillis, (double) diffMillis / floorMillis);

            // The same differences again: Salesforce unchecks what was pushed, the sales side removes what was recorded.
            List<String> pushed = new ArrayList<>();
            for (int i = 0; i < quarter; i++) {
                pushed.add((String) notOptedOut.get(i).get("Id"));
            }
            clearOptOuts(salesforce, pushed);
            try (KafkaProducer<String, SpecificRecord> producer = producer(infra)) {
                for (int i = quarter; i < optedOut.size(); i++) {
                    String email = (String) optedOut.get(i).get("Email");
                    producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(email), UnsubscribeRemoved.newBuilder()
                            .setEventId(UUID.randomUUID().toString()).setEmail(email).setRemovedBy("bench").setOccurredAt(Instant.now())
                            .setRecordedAt(Instant.now()).build()));
                }
                producer.flush();
            }
            long joinStarted = System.nanoTime();
            String second = startReconciler(infra, emulatorUrl, "two", started);
            awaitShare(List.of(first, second));
            awaitAbsorbed(infra);
            System.out.printf("second instance: runs its share of the diff's partitions %.1f s after launch (warm-up, then a probing rebalance)%n",
                    seconds(joinStarted));
            Map<String, Object> shared = run(first);
            report("2 instances", shared);
            printDiffSplit("bench-reconciler-one.log", shared);
            printDiffSplit("bench-reconciler-two.log", shared);
            System.out.printf("reconcilers after the run: RSS %d and %d MiB%n", rssMiB(reconciler.pid()), rssMiB(started.getLast().pid()));
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        }
    }

    private String startReconciler(TestInfrastructure infra, String emulatorUrl, String name, List<ServiceProcess> started) throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        started.add(ServiceProcess.start("nightly-reconciler-" + name, ServiceProcess.projectRoot(), "nightly-reconciler",
                "dev.unsubsync.reconciler.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "kafka.bootstrap.servers", infra.bootstrapServers(),
                        "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                        "salesforce.client-id", "bench", "salesforce.client-secret", "bench", "reconciler.api-token", TOKEN,
                        "reconciler.state-dir", Path.of(System.getProperty("java.io.tmpdir"), "bench-reconciler-" + name + "-" + UUID.randomUUID()).toString()),
                List.of("-Xmx512m"), Path.of(System.getProperty("java.io.tmpdir")).resolve("bench-reconciler-" + name + ".log"),
                URI.create(url + "/health/liveness"), Duration.ofMinutes(2)));
        return url;
    }

    /** Waits until the instances share the diff's partitions evenly (after warming stores up and a probing rebalance). */
    private void awaitShare(List<String> reconcilers) {
        // Even, and still even 20 s on: the follow-up rebalances that move tasks one way or the other are over.
        await().atMost(Duration.ofMinutes(5)).during(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (String reconciler : reconcilers) {
                        String health = http.send(HttpRequest.newBuilder(URI.create(reconciler + "/health")).header("Authorization", "Bearer " + TOKEN).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        if (!health.contains("\"streams\":\"RUNNING\"") || !health.contains("\"diffPartitions\":" + (6 / reconcilers.size()))) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** Waits until the Streams application has everything on the sales side in its stores. */
    private static void awaitAbsorbed(TestInfrastructure infra) throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", infra.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            StreamsBarrier barrier = new StreamsBarrier(admin, config);
            for (List<String> stage : List.of(List.of(Topics.UNSUBSCRIBE_EVENTS.name()), List.of(Topics.UNSUBSCRIBE_LEDGER.name()),
                    List.of(Topics.RECONCILE_SALES.name()))) {
                if (!barrier.await(ReconcileStreams.APPLICATION_ID, stage, Duration.ofMinutes(10), () -> false)) {
                    throw new IllegalStateException("not absorbed: " + stage);
                }
            }
        }
    }

    private Map<String, Object> run(String reconciler) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(reconciler + "/v1/runs")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException(accepted.statusCode() + " " + accepted.body());
        }
        String location = accepted.headers().firstValue("Location").orElseThrow();
        Map<String, Object> run = await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> JSON.<Map<String, Object>>readValue(http.send(HttpRequest.newBuilder(URI.create(reconciler + location))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body(), new TypeReference<>() {
                        }),
                        r -> "SUCCEEDED".equals(r.get("state")) || "FAILED".equals(r.get("state")));
        run.put("wallMillis", (System.nanoTime() - started) / 1_000_000);
        return run;
    }

    private static void report(String label, Map<String, Object> run) {
        Map<String, Object> report = report(run);
        System.out.printf("run (%s): %s in %,d ms wall (POST to end); snapshot %,d ms, diff %,d ms, apply %,d ms%n", label, run.get("state"),
                run.get("wallMillis"), report.get("snapshotMillis"), report.get("diffMillis"), report.get("applyMillis"));
        System.out.printf("  counts: Salesforce opted out %,d; sales side linked %,d; in sync %,d; to Salesforce %,d (written %,d); to sales side %,d "
                + "(recorded %,d); skipped %s; failed %s; API calls %,d%n", report.get("salesforceOptedOut"), report.get("salesSideUnsubscribes"),
                report.get("inSync"), report.get("toSalesforce"), report.get("writtenToSalesforce"), report.get("toSalesSide"),
                report.get("recordedOnSalesSide"), report.get("skipped"), report.get("failed"), report.get("apiCallsUsed"));
    }

    /** The instances' own account of the diff phase: waiting for the Streams application, then each partition's comparison. */
    private static void printDiffSplit(String log, Map<String, Object> run) throws IOException {
        String runId = (String) run.get("runId");
        for (String line : java.nio.file.Files.readAllLines(Path.of(System.getProperty("java.io.tmpdir")).resolve(log))) {
            if (line.contains(runId) && (line.contains(": diff in ") || line.contains("compared in"))) {
                System.out.println("  " + log + ": " + line.substring(line.indexOf(line.contains(": diff in ") ? "diff in" : "Diff of partition")));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> report(Map<String, Object> run) {
        return (Map<String, Object>) run.get("report");
    }

    private static long readToEnd(TestInfrastructure infra, List<String> topicNames) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put("apicurio.registry.url", infra.registry().apiUrl());
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        long count = 0;
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topicNames) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static void clearOptOuts(EmulatorClient salesforce, List<String> ids) throws Exception {
        for (int from = 0; from < ids.size(); from += 10_000) {
            salesforce.admin("POST", "/opt-outs/clear", JSON.writeValueAsString(Map.of("ids", ids.subList(from, Math.min(ids.size(), from + 10_000)))));
        }
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String email, String salesforceId) {
        Instant now = Instant.now();
        producer.send(new ProducerRecord<>(topic, PersonKey.of(email), UnsubscribeRecorded.newBuilder().setEventId(UUID.randomUUID().toString())
                .setEmail(email).setSalesforceId(salesforceId).setPersonType(salesforceId == null ? PersonType.UNKNOWN : PersonType.CONTACT)
                .setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(now).setRecordedAt(now).build()));
    }

    private static KafkaProducer<String, SpecificRecord> producer(TestInfrastructure infra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put("apicurio.registry.url", infra.registry().apiUrl());
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.dereference-schema", true);
        config.put("apicurio.registry.artifact-resolver-strategy", dev.unsubsync.schemas.Subjects.STRATEGY);
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
