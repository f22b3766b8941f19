package dev.unsubsync.capture.requests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.DeadLetterHeaders;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka way in: requests produced to {@code unsubscribe-requests} are recorded with the API's rules, the ones that
 * can never be are dead-lettered with their reasons and original bytes, and a capture restart in the middle of the
 * stream loses none: produced = recorded + dead-lettered.
 */
@ExtendWith(RealInfrastructureExtension.class)
class RequestIngestTest {

    private static final int BEFORE = 300;
    private static final int AFTER = 300;

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("capture.api-token", "ingest-token");
        properties.put("capture.signing-secret", "test-one-click-secret-0123456789abcdef");
        properties.put("micronaut.server.port", -1);
        return properties;
    }

    @Test
    void everyRequestIsRecordedOrDeadLetteredWithItsReasonsAndARestartLosesNone() throws Exception {
        TestInfrastructure infrastructure = TestInfrastructure.get();
        TopicClients kafka = TopicClients.of(infrastructure);
        EmbeddedServer capture = ApplicationContext.run(EmbeddedServer.class, properties());
        List<byte[]> invalid = List.of("{\"email\":".getBytes(StandardCharsets.UTF_8),
                "{\"source\":\"api\",\"upstreamEventId\":\"bad-1\"}".getBytes(StandardCharsets.UTF_8),
                "{\"email\":\"bad-id@example.com\",\"salesforceId\":\"003XYZ\",\"source\":\"api\"}".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", infrastructure.bootstrapServers(), "linger.ms", 5),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < BEFORE; i++) {
                producer.send(request(i, true));
                if (i == 100) {
                    invalid.forEach(bytes -> producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS.name(), null, bytes)));
                }
            }
            producer.flush();
            // Capture restarts while requests keep coming: once it has taken its first batch, it stops, and the second
            // half is produced while it is away.
            RequestIngest first = capture.getApplicationContext().getBean(RequestIngest.class);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> first.recorded() + first.deadLettered() > 0);
            capture.getApplicationContext().close();
            for (int i = BEFORE; i < BEFORE + AFTER; i++) {
                // Every other one without an upstream id: its record key makes it idempotent instead.
                producer.send(request(i, i % 2 == 0));
            }
            producer.flush();
        }
        capture = ApplicationContext.run(EmbeddedServer.class, properties());
        try {
            List<ConsumerRecord<String, Object>> recorded = kafka.readAvro(Topics.UNSUBSCRIBE_EVENTS.name(),
                    r -> r.value() instanceof UnsubscribeRecorded e && RequestIngest.ORIGIN.equals(e.getOrigin()) && e.getEmail().startsWith("ingest-"),
                    BEFORE + AFTER, Duration.ofSeconds(90));
            Set<String> emails = new HashSet<>();
            Set<String> eventIds = new HashSet<>();
            for (ConsumerRecord<String, Object> record : recorded) {
                UnsubscribeRecorded event = (UnsubscribeRecorded) record.value();
                emails.add(event.getEmail());
                eventIds.add(event.getEventId());
            }
            assertEquals(BEFORE + AFTER, emails.size(), "every valid request recorded");
            assertEquals(BEFORE + AFTER, eventIds.size(), "a request read twice is the same event, not a second one");

            List<ConsumerRecord<String, byte[]>> dead = kafka.readRaw(Topics.UNSUBSCRIBE_REQUESTS_DLT.name(), r -> true, 3, Duration.ofSeconds(30));
            assertEquals(3, dead.size());
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : dead) {
                reasons.add(header(record, DeadLetterHeaders.REASON_CODE) + " " + header(record, DeadLetterHeaders.REASON_MESSAGE));
                assertEquals(Topics.UNSUBSCRIBE_REQUESTS.name(), header(record, DeadLetterHeaders.ORIGINAL_TOPIC));
                assertTrue(invalid.stream().anyMatch(bytes -> java.util.Arrays.equals(bytes, record.value())), "the original bytes");
            }
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("UNREADABLE_REQUEST body: the value is not a JSON object")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("INVALID_REQUEST") && r.contains("email")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("INVALID_REQUEST") && r.contains("salesforceId")), reasons.toString());
            RequestIngest ingest = capture.getApplicationContext().getBean(RequestIngest.class);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> committedLag(infrastructure) == 0);
            assertEquals(0, committedLag(infrastructure), "every request's offset committed once its outcome was durable");
            assertTrue(ingest.recorded() + ingest.deadLettered() > 0, "the restarted instance took over");
        } finally {
            capture.getApplicationContext().close();
        }
    }

    private static ProducerRecord<byte[], byte[]> request(int i, boolean withUpstreamId) {
        String body = "{\"email\":\"ingest-" + i + "@example.com\",\"source\":\"api\",\"reason\":\"from kafka\""
                + (withUpstreamId ? ",\"upstreamEventId\":\"up-" + i + "\"" : "") + "}";
        return new ProducerRecord<>(Topics.UNSUBSCRIBE_REQUESTS.name(), ("req-" + i).getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long committedLag(TestInfrastructure infrastructure) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(RequestIngest.GROUP).partitionsToOffsetAndMetadata().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < Topics.UNSUBSCRIBE_REQUESTS.partitions(); p++) {
                ends.put(new org.apache.kafka.common.TopicPartition(Topics.UNSUBSCRIBE_REQUESTS.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(ends).all().get().entrySet()) {
                var at = committed.get(end.getKey());
                lag += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }
}
