package dev.unsubsync.pusher.push;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.DeadLetterHeaders;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pusher against a real broker, a real registry and the Salesforce emulator running as its own process: events
 * produced to {@code unsubscribe-events} end up in Salesforce, and every outcome is on Kafka.
 */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushLoopTest implements TestPropertyProvider {

    private static final String CLIENT_ID = "pusher-test";
    private static final String CLIENT_SECRET = "pusher-secret";

    @jakarta.inject.Inject
    io.micronaut.runtime.server.EmbeddedServer server;

    private ServiceProcess emulator;
    private String emulatorUrl;
    private EmulatorClient salesforce;
    private final TopicClients kafka = TopicClients.of(TestInfrastructure.get());

    @Override
    public Map<String, String> getProperties() {
        try {
            int port = FreePorts.one();
            emulatorUrl = "http://127.0.0.1:" + port;
            emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                    "dev.unsubsync.emulator.Application",
                    Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", CLIENT_ID, "emulator.client-secret", CLIENT_SECRET),
                    List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "pusher-test-emulator.log"),
                    URI.create(emulatorUrl + "/health"), Duration.ofSeconds(60));
            salesforce = new EmulatorClient(emulatorUrl, CLIENT_ID, CLIENT_SECRET);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the emulator", e);
        }
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("salesforce.login-url", emulatorUrl);
        properties.put("salesforce.client-id", CLIENT_ID);
        properties.put("salesforce.client-secret", CLIENT_SECRET);
        properties.put("pusher.retry-initial-backoff", "100ms");
        properties.put("pusher.api-token", "push-loop-token");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @AfterAll
    void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void unsubscribeOfASeededContactOptsItOutAndReportsWritten() throws Exception {
        Map<String, Object> ada = salesforce.query("SELECT Id, Email FROM Contact WHERE Email = 'ada.lovelace@example.com'").getFirst();
        String eventId = produce(event((String) ada.get("Email"), (String) ada.get("Id")));

        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(salesforce.get("Contact", (String) ada.get("Id")).get("HasOptedOutOfEmail")));
        OptOutPushResult result = awaitResult(eventId);
        assertEquals(PushOutcome.WRITTEN, result.getOutcome());
        assertEquals(List.of("HasOptedOutOfEmail"), result.getFieldsWritten());
        assertEquals("Contact", result.getObjectType());
    }

    @Test
    void unsubscribeOfALeadOptsTheLeadOut() throws Exception {
        String lead = salesforce.create("Lead", Map.of("LastName", "Lead", "Company", "Acme", "Email", "lead@example.com"));
        String eventId = produce(event("lead@example.com", lead));
        assertEquals(PushOutcome.WRITTEN, awaitResult(eventId).getOutcome());
        assertEquals(Boolean.TRUE, salesforce.get("Lead", lead).get("HasOptedOutOfEmail"));
    }

    @Test
    void deletedContactGoesToTheDeadLetterTopicWithSalesforcesCode() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Gone", "Email", "gone@example.com"));
        salesforce.delete("Contact", contact);
        String eventId = produce(event("gone@example.com", contact));

        OptOutPushResult result = awaitResult(eventId);
        assertEquals(PushOutcome.REJECTED, result.getOutcome());
        assertEquals("ENTITY_IS_DELETED", result.getSalesforceErrorCode());
        ConsumerRecord<String, byte[]> dead = awaitDeadLetter("gone@example.com");
        assertEquals("ENTITY_IS_DELETED", header(dead, DeadLetterHeaders.REASON_CODE));
        assertEquals(Topics.UNSUBSCRIBE_EVENTS.name(), header(dead, DeadLetterHeaders.ORIGINAL_TOPIC));
    }

    @Test
    void prometheusShowsOutcomesLatencyAllowanceAndConsumerLag() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Metrics"));
        awaitResult(produce(event("metrics@example.com", contact)));
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(server.getURI().resolve("/prometheus"))
                .header("Authorization", "Bearer push-loop-token").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String name : List.of("unsubsync_push_outcomes_total{outcome=\"WRITTEN\"", "unsubsync_push_latency_seconds",
                "unsubsync_salesforce_records_per_call",
                "unsubsync_salesforce_api_remaining", "unsubsync_salesforce_field_problems", "kafka_consumer_fetch_manager_records_lag_max",
                "unsubsync_directory_people", "unsubsync_directory_caught_up", "unsubsync_salesforce_lookup_calls_total")) {
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains(name), name + " missing from /prometheus");
        }
    }

    @Test
    void poisonPillIsDeadLetteredAndDoesNotStallItsPartition() throws Exception {
        String key = "poison." + UUID.randomUUID() + "@example.com";
        kafka.sendRaw(Topics.UNSUBSCRIBE_EVENTS.name(), key.getBytes(StandardCharsets.UTF_8), "not avro at all".getBytes(StandardCharsets.UTF_8));
        // Same key, so same partition: it must still be pushed after the poison pill.
        String eventId = produce(event(key, null));
        assertEquals("UNREADABLE_RECORD", header(awaitDeadLetter(key), DeadLetterHeaders.REASON_CODE));
        assertEquals(PushOutcome.NO_SALESFORCE_RECORD, awaitResult(eventId).getOutcome());
    }

    @Test
    void anIdlePusherShowsNoLagPastTransactionsAndNeverPushesWhatAnAbortedOneWrote() throws Exception {
        // The reconciler's Streams application writes unsubscribe-events in transactions; one killed mid-commit is aborted.
        String abortedEmail = "aborted." + UUID.randomUUID() + "@example.com";
        String aborted = salesforce.create("Contact", Map.of("LastName", "Aborted", "Email", abortedEmail));
        String committedEmail = "committed." + UUID.randomUUID() + "@example.com";
        String committed = salesforce.create("Contact", Map.of("LastName", "Committed", "Email", committedEmail));
        kafka.sendInTransaction(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(abortedEmail), event(abortedEmail, aborted), false);
        kafka.sendInTransaction(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(committedEmail), event(committedEmail, committed), true);

        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(salesforce.get("Contact", committed).get("HasOptedOutOfEmail")));
        // Idle, the group's committed offsets reach the end of every partition, the transactions' markers included.
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", TestInfrastructure.get().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> lag(admin) == 0);
        }
        assertEquals(Boolean.FALSE, salesforce.get("Contact", aborted).get("HasOptedOutOfEmail"), "an aborted transaction's event is never pushed");
    }

    private static long lag(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        var committed = admin.listConsumerGroupOffsets("salesforce-pusher").partitionsToOffsetAndMetadata().get();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < Topics.UNSUBSCRIBE_EVENTS.partitions(); p++) {
            latest.put(new org.apache.kafka.common.TopicPartition(Topics.UNSUBSCRIBE_EVENTS.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            var at = committed.get(end.getKey());
            lag += end.getValue().offset() - (at == null ? 0 : at.offset());
        }
        return lag;
    }

    private static UnsubscribeRecorded event(String email, String salesforceId) {
        return UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail(email).setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build();
    }

    private String produce(UnsubscribeRecorded event) throws Exception {
        kafka.send(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(event.getEmail()), event);
        return event.getEventId();
    }

    private OptOutPushResult awaitResult(String eventId) {
        return (OptOutPushResult) kafka.readAvro(Topics.PUSH_RESULTS.name(),
                r -> ((OptOutPushResult) r.value()).getUnsubscribeEventId().equals(eventId), 1, Duration.ofSeconds(30)).getFirst().value();
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        return kafka.readRaw(Topics.PUSH_DEAD_LETTERS.name(), r -> key.equals(r.key()), 1, Duration.ofSeconds(30)).getFirst();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
