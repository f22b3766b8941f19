package dev.unsubsync.capture.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unsubsync.capture.requests.RequestIngest;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.TestInfrastructure;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ingest topic's throughput: N requests (1% invalid) already on {@code unsubscribe-requests}, capture started, the
 * time until its group has committed every one (each recorded on {@code unsubscribe-events} or dead-lettered), against
 * the raw pipe in the same run: a consumer reading the same records as bytes and a producer (acks=all) writing them to
 * a scratch topic, offsets committed per batch.
 *
 * <p>{@code ./mvnw -Pbench -pl unsubscribe-capture -am verify -Dtest=RequestIngestBench -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.requests=}); figures in {@code unsubscribe-capture/target/request-ingest-bench.md}.
 */
@Tag("bench")
class RequestIngestBench {

    private static final int REQUESTS = Integer.getInteger("bench.requests", 100_000);

    @Test
    void ingestAgainstTheRawPipe() throws Exception {
        TestInfrastructure infrastructure = TestInfrastructure.get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.UNSUBSCRIBE_REQUESTS.name(), 6, (short) 1).configs(Topics.UNSUBSCRIBE_REQUESTS.config()),
                    new NewTopic("bench-pipe", 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", infrastructure.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < REQUESTS; i++) {
                String body = i % 100 == 99
                        ? "{\"email\":\"not-an-address\",\"source\":\"api\"}"
                        : "{\"email\":\"bench-" + i + "@example.com\",\"source\":\"provider_webhook\",\"provider\":\"sendgrid\",\"upstreamEventId\":\"b-" + i
                                + "\"}";
                producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS.name(), ("b-" + i).getBytes(StandardCharsets.UTF_8),
                        body.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        double pipe = rawPipe(infrastructure);

        Map<String, Object> properties = new HashMap<>(infrastructure.micronautProperties());
        properties.put("capture.api-token", "bench-token-0123456789");
        properties.put("capture.signing-secret", "bench-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", -1);
        long start = System.nanoTime();
        try (EmbeddedServer capture = ApplicationContext.run(EmbeddedServer.class, properties)) {
            // From the first committed batch (start-up and the group's join left out, as the pipe's own start is) to the last.
            long[] firstSeen = {0, 0};
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                long done = committed(infrastructure, RequestIngest.GROUP);
                if (done > 0 && firstSeen[1] == 0) {
                    firstSeen[0] = done;
                    firstSeen[1] = System.nanoTime();
                }
                return done >= REQUESTS;
            });
            long first = firstSeen[0];
            long firstAt = firstSeen[1];
            double startup = (firstAt - start) / 1e9;
            double seconds = (System.nanoTime() - firstAt) / 1e9;
            long measured = REQUESTS - first;
            RequestIngest ingest = capture.getApplicationContext().getBean(RequestIngest.class);
            assertEquals(REQUESTS, ingest.recorded() + ingest.deadLettered(), "recorded + dead-lettered");
            String figures = String.format("| figure | value |%n| --- | --- |%n"
                    + "| requests (1%% invalid) | %,d |%n"
                    + "| raw pipe: consumer → producer (acks=all), bytes | %,.0f records/s |%n"
                    + "| capture: start → first batch committed | %.1f s |%n"
                    + "| capture: first → last batch committed | %,d requests in %.1f s = %,.0f requests/s (%.0f%% of the pipe) |%n"
                    + "| recorded / dead-lettered | %,d / %,d |%n",
                    REQUESTS, pipe, startup, measured, seconds, measured / seconds, 100 * (measured / seconds) / pipe, ingest.recorded(),
                    ingest.deadLettered());
            Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "request-ingest-bench.md"), figures);
            System.out.println(figures);
        }
    }

    private static double rawPipe(TestInfrastructure infrastructure) throws Exception {
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-pipe", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        long start = System.nanoTime();
        long moved = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(Topics.UNSUBSCRIBE_REQUESTS.name()));
            while (moved < REQUESTS) {
                var batch = consumer.poll(Duration.ofMillis(500));
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    sent.add(producer.send(new ProducerRecord<>("bench-pipe", record.key(), record.value())));
                }
                for (var future : sent) {
                    future.get();
                }
                consumer.commitSync();
                moved += batch.count();
            }
        }
        return moved / ((System.nanoTime() - start) / 1e9);
    }

    private static long committed(TestInfrastructure infrastructure, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            return 0;
        }
    }
}
