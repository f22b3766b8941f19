package dev.unsubsync.capture.bench;

import static dev.unsubsync.testsupport.ProcessStats.rssMiB;

import dev.unsubsync.capture.bench.HttpLoad.Outcome;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.ProducerPerformance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for capture's ingest (measures and prints; asserts nothing about speed). The real broker (acks=all) and
 * registry in the test JVM, capture as its own JVM, the load generated from the test JVM by {@link HttpLoad}
 * ({@code bench.concurrency} keep-alive connections, one request in flight on each, after {@code bench.warmupSeconds}
 * of warm-up; {@code -Dbench.wrk=32,64} also runs {@code wrk}, when installed, as a cross-check). Measured one after
 * another in the same run: Kafka's own {@code ProducerPerformance} writing records of the size of one encoded {@code UnsubscribeRecorded}; single-event
 * {@code POST /v1/unsubscribes} for {@code bench.seconds}; {@code POST /v1/unsubscribes/batch} with 500 events per call.
 *
 * <p>{@code ./mvnw -Pbench -pl unsubscribe-capture -am verify -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class CaptureIngestBench {

    private static final String TOKEN = "bench-ingest-token";

    @Test
    void ingestAgainstTheRawProducer() throws Exception {
        EventClasses.trust();
        int seconds = Integer.getInteger("bench.seconds", 20);
        int concurrency = Integer.getInteger("bench.concurrency", 64);
        int warmUp = Integer.getInteger("bench.warmupSeconds", 20);
        TestInfrastructure infra = TestInfrastructure.get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, Topics.ALL, Duration.ofSeconds(30));
            admin.createTopics(List.of(new NewTopic("bench-producer-perf", Topics.UNSUBSCRIBE_EVENTS.partitions(), (short) 1))).all().get();
        }
        int recordSize = encodedSize(infra);
        System.out.printf("one UnsubscribeRecorded in the Confluent wire format: %d bytes%n", recordSize);

        int port = freePort();
        Map<String, String> properties = new HashMap<>(infra.micronautProperties());
        properties.put("micronaut.server.port", String.valueOf(port));
        properties.put("capture.api-token", TOKEN);
        properties.put("capture.signing-secret", "bench-one-click-secret-0123456789abcdef");
        // capacity is measured, not the per-key bound on a runaway sender (20,000/s by default)
        properties.put("capture.rate-limit.per-second", "1000000");
        properties.put("capture.rate-limit.burst", "1000000");
        // -Dbench.capture.<setting>=<value> tries a capture setting, e.g. -Dbench.capture.kafka.producers.unsubscribe-events.linger.ms=2
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench.capture."))
                .forEach(name -> properties.put(name.substring("bench.capture.".length()), System.getProperty(name)));
        try (ServiceProcess capture = ServiceProcess.start("unsubscribe-capture", ServiceProcess.projectRoot(), "unsubscribe-capture",
                "dev.unsubsync.capture.Application", properties, jvmOptions(),
                Path.of(System.getProperty("java.io.tmpdir"), "bench-capture.log"), URI.create("http://127.0.0.1:" + port + "/health"),
                Duration.ofMinutes(2))) {
            String base = "http://127.0.0.1:" + port;

            long raw = Boolean.getBoolean("bench.skipRaw") ? 302_571 : producerPerformance(infra, recordSize, 1_000_000);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            Outcome warm = HttpLoad.run(address, "/v1/unsubscribes", TOKEN, concurrency, Duration.ofSeconds(warmUp), CaptureIngestBench::single);
            System.out.printf("warm-up: %,d requests %s%n", warm.ok(), warm.byStatus());
            if (System.getProperty("bench.wrk") != null) {
                wrk(System.getProperty("bench.wrk"), port, seconds);
            }
            Outcome single = HttpLoad.run(address, "/v1/unsubscribes", TOKEN, concurrency, Duration.ofSeconds(seconds), CaptureIngestBench::single);
            System.out.printf("single: %,.0f requests/s (%,d ok, %,d failed %s) p50 %.1f ms p99 %.1f ms max %.1f ms; capture RSS %d MiB%n",
                    single.perSecond(), single.ok(), single.failed(), single.byStatus(), single.percentile(0.50), single.percentile(0.99),
                    single.percentile(1.0), rssMiB(capture.pid()));
            Outcome batch = HttpLoad.run(address, "/v1/unsubscribes/batch", TOKEN, 8, Duration.ofSeconds(seconds), CaptureIngestBench::batch);
            double events = batch.perSecond() * 500;
            System.out.printf("batch: %,.0f calls/s x 500 = %,.0f events/s (%,d failed %s) p50 %.1f ms p99 %.1f ms%n", batch.perSecond(), events,
                    batch.failed(), batch.byStatus(), batch.percentile(0.50), batch.percentile(0.99));
            long accepted = warm.ok() + single.ok() + (long) batch.ok() * 500;
            long onKafka = recordsOn(infra, Topics.UNSUBSCRIBE_EVENTS.name());
            System.out.printf("accepted %,d events, %,d records on %s%s%n", accepted, onKafka, Topics.UNSUBSCRIBE_EVENTS.name(),
                    onKafka >= accepted ? "" : " — FEWER THAN ACCEPTED");
            System.out.printf("raw producer %,d records/s; batch ingest = %.0f%% of it; single = %.0f%% of it%n", raw, 100.0 * events / raw,
                    100.0 * single.perSecond() / raw);
        }
    }

    /** Capture's JVM options: -Xmx512m, and {@code -Dbench.jvmOptions="..."} (space-separated), e.g. a flight recording. */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx512m"));
        String extra = System.getProperty("bench.jvmOptions", "").trim();
        if (!extra.isEmpty()) {
            options.addAll(Arrays.asList(extra.split(" +")));
        }
        return options;
    }

    /** A run-unique prefix, so runs against the same broker never repeat a person. */
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    private static String single(int i) {
        return "{\"email\":\"bench" + i + "-" + RUN + "@example.com\",\"salesforceId\":\"003Dn0000000001IAA\","
                + "\"source\":\"link_click\",\"reason\":\"bench\"}";
    }

    private static String batch(int call) {
        StringBuilder body = new StringBuilder("{\"unsubscribes\":[");
        for (int i = 0; i < 500; i++) {
            body.append(i == 0 ? "" : ",").append(single(call * 500 + i));
        }
        return body.append("]}").toString();
    }

    /** Kafka's producer performance tool, in this JVM, acks=all: answers its records/s. */
    private static long producerPerformance(TestInfrastructure infra, int recordSize, int records) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ProducerPerformance.main(new String[]{"--topic", "bench-producer-perf", "--num-records", String.valueOf(records), "--record-size",
                    String.valueOf(recordSize), "--throughput", "-1", "--producer-props", "bootstrap.servers=" + infra.bootstrapServers(), "acks=all",
                    "enable.idempotence=true"});
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        String[] lines = text.strip().split("\n");
        String summary = lines[lines.length - 1];
        System.out.println("ProducerPerformance: " + summary);
        Matcher m = Pattern.compile("([\\d.]+) records/sec").matcher(summary);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    /** The records on a topic: the sum of its partitions' end offsets (the bench's topics are fresh and never compacted). */
    private static long recordsOn(TestInfrastructure infra, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
        }
    }

    private static int encodedSize(TestInfrastructure infra) {
        AvroKafkaSerializer<UnsubscribeRecorded> serializer = new AvroKafkaSerializer<>();
        serializer.configure(Map.of("apicurio.registry.url", infra.registry().apiUrl(), "apicurio.registry.auto-register", true,
                "apicurio.registry.dereference-schema", true,
                "apicurio.registry.artifact-resolver-strategy", dev.unsubsync.schemas.Subjects.STRATEGY), false);
        Instant now = Instant.now();
        UnsubscribeRecorded event = UnsubscribeRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setEmail("bench12345-0a1b2c3d@example.com")
                .setSalesforceId("003Dn0000000001IAA").setPersonType(PersonType.CONTACT).setSource(UnsubscribeSource.LINK_CLICK)
                .setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(now).setRecordedAt(now).setReason("bench").setOrigin("api").build();
        return serializer.serialize(Topics.UNSUBSCRIBE_EVENTS.name(), event).length;
    }

    /** Runs {@code wrk} (when on the PATH) against the single endpoint with each connection count: a cross-check of {@link HttpLoad}. */
    private static void wrk(String connections, int port, int seconds) throws IOException, InterruptedException {
        Path script = Files.createTempFile("bench-wrk", ".lua");
        Files.writeString(script,
                """
                        local counter = 0
                        local run = tostring(math.random(1, 1000000000))
                        function request()
                          counter = counter + 1
                          local body = '{"email":"wrk' .. run .. '-' .. counter .. '@example.com","salesforceId":"003Dn0000000001IAA","source":"link_click","reason":"bench"}'
                          return wrk.format("POST", "/v1/unsubscribes", {["Authorization"]="Bearer %s", ["Content-Type"]="application/json"}, body)
                        end
                        """
                        .formatted(TOKEN));
        for (String count : connections.split(",")) {
            Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + count.trim(), "-d" + seconds + "s", "--latency", "-s", script.toString(),
                    "http://127.0.0.1:" + port).redirectErrorStream(true).start();
            String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            wrk.waitFor();
            System.out.println("wrk, " + count.trim() + " connections:\n" + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
