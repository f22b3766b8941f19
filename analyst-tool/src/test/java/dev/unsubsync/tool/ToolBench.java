package dev.unsubsync.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Subjects;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures for the analyst tool: {@code dump} of N records to JSON lines against the raw consumer reading
 * the same records in the same run, and {@code as-of} over N events (time and heap). Real broker and registry (test
 * JVM), N {@code unsubscribe-events} written as the services write them (90% recorded, 10% removals, N/2 people).
 *
 * <p>{@code ./mvnw -Pbench -pl analyst-tool -am verify -Dtest=ToolBench -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.records=}); the figures go to {@code analyst-tool/target/tool-bench.md}.
 */
@Tag("bench")
class ToolBench {

    private static final int RECORDS = Integer.getInteger("bench.records", 1_000_000);
    /** The first round reads with a cold JIT; the later ones are the fair comparison. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @Test
    void dumpAgainstTheRawConsumerAndAsOfOverTheEvents() throws Exception {
        EventClasses.trust();
        TestInfrastructure infrastructure = TestInfrastructure.get();
        String topic = Topics.UNSUBSCRIBE_EVENTS.name();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Topics.UNSUBSCRIBE_EVENTS.partitions(), (short) 1).configs(Topics.UNSUBSCRIBE_EVENTS.config())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        long produceStart = System.nanoTime();
        produce(infrastructure, topic);
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

        List<Double> raw = new ArrayList<>();
        List<Double> dump = new ArrayList<>();
        List<Double> dumpNowhere = new ArrayList<>();
        Path out = Path.of(System.getProperty("java.io.tmpdir"), "bench-dump.jsonl");
        for (int round = 0; round < ROUNDS; round++) {
            raw.add(rawRead(infrastructure, topic));
            // A new file each round, as an analyst writes one (not the last round's pages truncated first).
            Files.deleteIfExists(out);
            dump.add(dump(infrastructure, topic, out.toString()));
            // The tool's own work: the same JSON lines written to /dev/null, as `dump … > /dev/null` or a pipe whose
            // reader keeps up would take them, without the kernel copying 500 MB into the page cache.
            dumpNowhere.add(dump(infrastructure, topic, "/dev/null"));
        }
        long dumpBytes = Files.size(out);
        Files.delete(out);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        // Heap sampled every 20 ms while as-of runs.
        java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max), 0, 20, TimeUnit.MILLISECONDS);
        long asOfStart = System.nanoTime();
        Result asOf = tool(infrastructure, "as-of", Instant.now().toString());
        double asOfSeconds = (System.nanoTime() - asOfStart) / 1e9;
        sampler.shutdown();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        System.gc();
        assertEquals(0, asOf.status(), asOf.err());

        StringBuilder figures = new StringBuilder();
        figures.append("| figure | value |\n| --- | --- |\n");
        figures.append("| records written (").append(RECORDS).append(", lz4, the services' serializer) | ").append(String.format("%.1f s", produceSeconds))
                .append(" |\n");
        for (int round = 0; round < ROUNDS; round++) {
            figures.append(String.format("| round %d: raw consumer (bytes, no decoding) | %,.0f records/s |%n", round + 1, raw.get(round)));
            figures.append(String.format("| round %d: `dump` to JSON lines in a new file | %,.0f records/s = %.0f%% of raw |%n", round + 1, dump.get(round),
                    100 * dump.get(round) / raw.get(round)));
            figures.append(String.format("| round %d: `dump` to JSON lines, `--out /dev/null` | %,.0f records/s = %.0f%% of raw |%n", round + 1,
                    dumpNowhere.get(round), 100 * dumpNowhere.get(round) / raw.get(round)));
        }
        figures.append(String.format("| JSON lines written | %,d bytes (%.0f bytes a record) |%n", dumpBytes, (double) dumpBytes / RECORDS));
        figures.append(
                String.format("| `as-of` over %,d events | %.1f s; heap grew by at most %,d MiB (sampled every 20 ms, from %,d MiB) |%n", RECORDS, asOfSeconds,
                        (peak.get() - baseline) >> 20, baseline >> 20));
        figures.append("| `as-of` answer | ").append(asOf.out().strip()).append(" |\n");
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "tool-bench.md"), figures);
        System.out.println(figures);
    }

    private static void produce(TestInfrastructure infrastructure, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put("apicurio.registry.url", infrastructure.registry().apiUrl());
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.dereference-schema", true);
        config.put("apicurio.registry.artifact-resolver-strategy", Subjects.STRATEGY);
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(config, false);
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
            for (int i = 0; i < RECORDS; i++) {
                String person = "person-" + (i % (RECORDS / 2)) + "@example.com";
                Instant at = base.plusSeconds(i);
                SpecificRecord value = i % 10 == 9
                        ? UnsubscribeRemoved.newBuilder().setEventId("r-" + i).setEmail(person).setRemovedBy("admin").setOccurredAt(at).setRecordedAt(at)
                                .build()
                        : UnsubscribeRecorded.newBuilder().setEventId("e-" + i).setEmail(person).setSource(UnsubscribeSource.PROVIDER_WEBHOOK)
                                .setProvider("sendgrid").setOccurredAt(at).setRecordedAt(at).setOrigin("bench").build();
                producer.send(new ProducerRecord<>(topic, person, value));
            }
            producer.flush();
        }
    }

    /** Records per second of {@code dump} writing JSON lines to {@code out}. */
    private static double dump(TestInfrastructure infrastructure, String topic, String out) {
        long start = System.nanoTime();
        Result result = tool(infrastructure, "dump", topic, "--out", out);
        assertEquals(0, result.status(), result.err());
        return RECORDS / ((System.nanoTime() - start) / 1e9);
    }

    /** Records per second of a plain consumer reading the whole topic as bytes. */
    private static double rawRead(TestInfrastructure infrastructure, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long start = System.nanoTime();
        long read = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < Topics.UNSUBSCRIBE_EVENTS.partitions(); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < RECORDS) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    bytes += record.value().length;
                }
            }
        }
        assertEquals(RECORDS, read);
        return bytes > 0 ? RECORDS / ((System.nanoTime() - start) / 1e9) : 0;
    }

    record Result(int status, String out, String err) {
    }

    private static Result tool(TestInfrastructure infrastructure, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--bootstrap-servers", infrastructure.bootstrapServers(), "--registry", infrastructure.registry().apiUrl()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tool.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }
}
