package dev.unsubsync.capture.bench;

import static dev.unsubsync.testsupport.ProcessStats.rssMiB;

import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.tools.ProducerPerformance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for capture's ingest (measures and prints; asserts nothing about speed). The real broker (acks=all) and
 * registry in the test JVM, capture as its own JVM, the load generated from the test JVM with Java's HTTP client
 * ({@code bench.concurrency} requests in flight). Measured, one after another in the same run: Kafka's own
 * {@code ProducerPerformance} writing records of the size of one encoded {@code UnsubscribeRecorded}; single-event
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
        properties.put("capture.one-click-secret", "bench-one-click-secret-0123456789abcdef");
        // -Dbench.capture.<setting>=<value> tries a capture setting, e.g. -Dbench.capture.kafka.producers.unsubscribe-events.linger.ms=2
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench.capture."))
                .forEach(name -> properties.put(name.substring("bench.capture.".length()), System.getProperty(name)));
        try (ServiceProcess capture = ServiceProcess.start("unsubscribe-capture", ServiceProcess.projectRoot(), "unsubscribe-capture",
                "dev.unsubsync.capture.Application", properties, jvmOptions(),
                Path.of(System.getProperty("java.io.tmpdir"), "bench-capture.log"), URI.create("http://127.0.0.1:" + port + "/health"),
                Duration.ofMinutes(2))) {
            String base = "http://127.0.0.1:" + port;

            long raw = Boolean.getBoolean("bench.skipRaw") ? 302_571 : producerPerformance(infra, recordSize, 1_000_000);
            Result warm = load(base + "/v1/unsubscribes", 5, concurrency, i -> single(i));
            System.out.printf("warm-up: %,d requests%n", warm.ok);
            Result single = load(base + "/v1/unsubscribes", seconds, concurrency, i -> single(i));
            System.out.printf("single: %,.0f requests/s (%,d ok, %,d failed) p50 %.1f ms p99 %.1f ms max %.1f ms; capture RSS %d MiB%n",
                    single.perSecond(), single.ok, single.failed, single.percentile(0.50), single.percentile(0.99), single.percentile(1.0),
                    rssMiB(capture.pid()));
            Result batch = load(base + "/v1/unsubscribes/batch", seconds, 8, CaptureIngestBench::batch);
            double events = batch.perSecond() * 500;
            System.out.printf("batch: %,.0f calls/s x 500 = %,.0f events/s (%,d failed) p50 %.1f ms p99 %.1f ms%n", batch.perSecond(), events,
                    batch.failed, batch.percentile(0.50), batch.percentile(0.99));
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

    private static String single(int i) {
        return "{\"email\":\"bench" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com\",\"salesforceId\":\"003Dn0000000001IAA\","
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
            ProducerPerformance.main(new String[] {"--topic", "bench-producer-perf", "--num-records", String.valueOf(records), "--record-size",
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

    private static int encodedSize(TestInfrastructure infra) {
        AvroKafkaSerializer<UnsubscribeRecorded> serializer = new AvroKafkaSerializer<>();
        serializer.configure(Map.of("apicurio.registry.url", infra.registry().apiUrl(), "apicurio.registry.auto-register", true,
                "apicurio.registry.dereference-schema", true,
                "apicurio.registry.artifact-resolver-strategy", "io.apicurio.registry.serde.avro.strategy.TopicRecordIdStrategy"), false);
        Instant now = Instant.now();
        UnsubscribeRecorded event = UnsubscribeRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setEmail("bench12345-0a1b2c3d@example.com")
                .setSalesforceId("003Dn0000000001IAA").setPersonType(PersonType.CONTACT).setSource(UnsubscribeSource.LINK_CLICK)
                .setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(now).setRecordedAt(now).setReason("bench").setOrigin("api").build();
        return serializer.serialize(Topics.UNSUBSCRIBE_EVENTS.name(), event).length;
    }

    /** What a load phase saw. */
    private record Result(int ok, int failed, long nanos, long[] latencies) {
        double perSecond() {
            return ok / (nanos / 1e9);
        }

        double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1);
            return latencies[Math.max(0, index)] / 1e6;
        }
    }

    /** Sends requests with {@code concurrency} in flight for {@code seconds}. */
    private static Result load(String url, int seconds, int concurrency, java.util.function.IntFunction<String> body) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong sent = new AtomicLong();
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(seconds).toNanos();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            inFlight.acquire();
            int i = (int) sent.getAndIncrement();
            long t0 = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build();
            CompletableFuture<HttpResponse<Void>> call = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            pending.add(call.whenComplete((response, error) -> {
                inFlight.release();
                if (error == null && response.statusCode() == 202 || error == null && response.statusCode() == 200) {
                    ok.incrementAndGet();
                    latencies.add(System.nanoTime() - t0);
                } else {
                    failed.incrementAndGet();
                }
            }));
            if (pending.size() > 10_000) {
                pending.removeIf(CompletableFuture::isDone);
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long elapsed = System.nanoTime() - started;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(ok.get(), failed.get(), elapsed, sorted);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
