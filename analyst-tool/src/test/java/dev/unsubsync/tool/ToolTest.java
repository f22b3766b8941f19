package dev.unsubsync.tool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Subjects;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyst tool against a real broker and registry, on records written the way the services write them (their
 * serializer settings, {@link Subjects}' subjects): every command's answer, its bad-input errors, and that nothing it
 * does writes to a topic.
 */
class ToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2026-03-03T10:00:00Z");

    private static TestInfrastructure infrastructure;
    private static Instant betweenBatches;

    record Result(int status, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void writeTopics() throws Exception {
        EventClasses.trust();
        infrastructure = TestInfrastructure.get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic<?, ?> topic : List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.RECONCILE_RUNS, Topics.WEBHOOK_DEAD_LETTERS)) {
                topics.add(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.config()));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        TopicClients kafka = TopicClients.of(infrastructure);
        String events = Topics.UNSUBSCRIBE_EVENTS.name();
        kafka.send(events, "ada@example.com", recorded("e-ada", "Ada@Example.com", T1, null));
        kafka.send(Topics.PUSH_RESULTS.name(), "ada@example.com", OptOutPushResult.newBuilder().setUnsubscribeEventId("e-ada").setEmail("Ada@Example.com")
                .setSalesforceId("003000000000001AAA").setObjectType("Contact").setFieldsWritten(List.of("HasOptedOutOfEmail"))
                .setOutcome(PushOutcome.WRITTEN).setAttempts(1).setDecidedAt(T1.plusSeconds(1)).build());
        kafka.send(events, "bob@example.com", recorded("e-bob", "bob@example.com", T1, null));
        // A millisecond after every record so far (Kafka stamps records in milliseconds), and every later record at or after it.
        betweenBatches = Instant.ofEpochMilli(System.currentTimeMillis() + 1);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(1)).until(() -> System.currentTimeMillis() >= betweenBatches.toEpochMilli());
        kafka.send(events, "bob@example.com", UnsubscribeRemoved.newBuilder().setEventId("r-bob").setEmail("bob@example.com").setRemovedBy("admin")
                .setReason("asked back in").setOccurredAt(T2).setRecordedAt(T2).build());
        kafka.send(events, "cy@example.com", recorded("e-cy", "cy@example.com", T2, "newsletter"));
        kafka.send(events, "dee@example.com", recorded("e-dee", "dee@example.com", T3, null));
        kafka.send(Topics.RECONCILE_RUNS.name(), "run-1", run("run-1", RunState.RUNNING, T1));
        kafka.send(Topics.RECONCILE_RUNS.name(), "run-2", run("run-2", RunState.SUCCEEDED, T2));
        kafka.send(Topics.RECONCILE_RUNS.name(), "run-1", run("run-1", RunState.FAILED, T1));
        kafka.sendRaw(Topics.WEBHOOK_DEAD_LETTERS.name(), "sendgrid".getBytes(), "[{\"event\":\"unsubscribe\"}]".getBytes());
    }

    private static UnsubscribeRecorded recorded(String id, String email, Instant at, String topic) {
        return UnsubscribeRecorded.newBuilder().setEventId(id).setEmail(email).setSource(UnsubscribeSource.API).setOccurredAt(at).setRecordedAt(at)
                .setOrigin("api").setTopic(topic).build();
    }

    private static ReconcileRun run(String id, RunState state, Instant at) {
        return ReconcileRun.newBuilder().setRunId(id).setTrigger(RunTrigger.MANUAL).setState(state).setPhase(RunPhase.DONE).setRequestedAt(at)
                .setStartedAt(at).setEndedAt(state == RunState.RUNNING ? null : at.plusSeconds(60)).setProcessed(10).setTotal(10)
                .setSalesSideUnsubscribes(3).setSalesforceOptedOut(2).setToSalesforce(2).setWrittenToSalesforce(state == RunState.FAILED ? 1 : 2)
                .setToSalesSide(1).setRecordedOnSalesSide(1).setInSync(1).setSkipped(Map.of())
                .setFailed(state == RunState.FAILED ? Map.of("NO_ANSWER_FROM_PUSHER", 1L) : Map.of()).setApiCallsUsed(4).setSnapshotMillis(1)
                .setDiffMillis(1).setApplyMillis(1).build();
    }

    private static Result tool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--bootstrap-servers") && all.size() > 0 && !all.getFirst().startsWith("-")) {
            all.addAll(1, List.of("--bootstrap-servers", infrastructure.bootstrapServers()));
        }
        if (!all.contains("--registry") && all.size() > 0 && !all.getFirst().startsWith("-")) {
            all.addAll(1, List.of("--registry", infrastructure.registry().apiUrl()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tool.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void valuesAreRegisteredUnderTheSubjectsAConfluentClientComputes() throws Exception {
        String subjects = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(infrastructure.registry().ccompatUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(subjects.contains("\"unsubscribe-events-dev.unsubsync.events.UnsubscribeRecorded\""), subjects);
        assertTrue(subjects.contains("\"unsubscribe-events-dev.unsubsync.events.UnsubscribeRemoved\""), subjects);
        assertTrue(subjects.contains("\"optout-push-results-value\""), subjects);
        assertTrue(subjects.contains("\"reconcile-runs-value\""), subjects);
        assertEquals("optout-push-results-value", Subjects.of(Topics.PUSH_RESULTS, OptOutPushResult.class));
        assertEquals("unsubscribe-events-dev.unsubsync.events.UnsubscribeRecorded", Subjects.of(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.class));
    }

    @Test
    void dumpWritesEveryRecordAsJsonLinesWithItsValueDecoded() throws Exception {
        Result result = tool("dump", "unsubscribe-events");
        assertEquals(0, result.status(), result.err());
        List<JsonNode> lines = lines(result.out());
        assertEquals(5, lines.size(), result.out());
        JsonNode ada = lines.stream().filter(l -> l.path("key").asText().equals("ada@example.com")).findFirst().orElseThrow();
        assertEquals("dev.unsubsync.events.UnsubscribeRecorded", ada.path("type").asText());
        assertEquals("Ada@Example.com", ada.path("value").path("email").asText());
        assertEquals("2026-03-01T10:00:00Z", ada.path("value").path("recordedAt").asText());
        assertEquals("API", ada.path("value").path("source").asText());
        assertTrue(ada.path("schemaId").asInt() > 0);
        assertTrue(result.err().contains("dump: 5 records from unsubscribe-events"), result.err());

        Result later = tool("dump", "unsubscribe-events", "--from", betweenBatches.toString());
        assertEquals(3, lines(later.out()).size(), later.out());
        Result dlt = tool("dump", "webhooks-dlt");
        assertEquals("[{\"event\":\"unsubscribe\"}]", lines(dlt.out()).getFirst().path("valueText").asText(), dlt.out());
    }

    @Test
    void dumpWritesCsvWithAColumnPerFieldAndAvroFilesThatKeepTheirSchema(@TempDir Path dir) throws Exception {
        Result csv = tool("dump", "unsubscribe-events", "--format", "csv");
        assertEquals(0, csv.status(), csv.err());
        String[] rows = csv.out().split("\r\n");
        assertTrue(rows[0].startsWith("partition,offset,timestamp,key,type,eventId,email,"), rows[0]);
        assertTrue(rows[0].contains(",removedBy,"), "the fields of both record types: " + rows[0]);
        assertEquals(6, rows.length, csv.out());

        Path out = dir.resolve("events.avro");
        Result avro = tool("dump", "unsubscribe-events", "--format", "avro", "--out", out.toString());
        assertEquals(0, avro.status(), avro.err());
        assertEquals(4, count(dir.resolve("events.UnsubscribeRecorded.avro")));
        assertEquals(1, count(dir.resolve("events.UnsubscribeRemoved.avro")));
        Path results = dir.resolve("results.avro");
        assertEquals(0, tool("dump", "optout-push-results", "--format", "avro", "-o", results.toString()).status());
        assertEquals(1, count(results));

        Result noFile = tool("dump", "unsubscribe-events", "--format", "avro");
        assertEquals(2, noFile.status());
        assertTrue(noFile.err().contains("--out"), noFile.err());
    }

    private static long count(Path file) throws Exception {
        long n = 0;
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            while (reader.hasNext()) {
                reader.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void aValueThatDoesNotMatchItsSchemaIsShownWithItsBytesAndWhyAndCostsNoOtherRecord() throws Exception {
        TopicClients kafka = TopicClients.of(infrastructure);
        byte[] good = kafka.readRaw(Topics.PUSH_RESULTS.name(), r -> "ada@example.com".equals(r.key()), 1, Duration.ofSeconds(10)).getFirst().value();
        kafka.sendRaw(Topics.PUSH_RESULTS.name(), "broken@example.com".getBytes(), java.util.Arrays.copyOf(good, 9));
        Result result = tool("dump", "optout-push-results");
        assertEquals(0, result.status(), result.err());
        List<JsonNode> lines = lines(result.out());
        assertEquals(2, lines.size(), result.out());
        JsonNode broken = lines.stream().filter(l -> l.path("key").asText().equals("broken@example.com")).findFirst().orElseThrow();
        assertEquals("UNREADABLE", broken.path("type").asText());
        assertTrue(broken.path("unreadable").asText().startsWith("Avro body does not match schema id"), broken.toString());
        assertEquals(java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(good, 9)), broken.path("valueBase64").asText());
        JsonNode ada = lines.stream().filter(l -> l.path("key").asText().equals("ada@example.com")).findFirst().orElseThrow();
        assertEquals("WRITTEN", ada.path("value").path("outcome").asText());
        assertEquals("[\"HasOptedOutOfEmail\"]", ada.path("value").path("fieldsWritten").toString());
    }

    @Test
    void personShowsTheStateAndTimelineFromTheTopicsAlone() throws Exception {
        Result ada = tool("person", "ADA@example.COM");
        assertEquals(0, ada.status(), ada.err());
        JsonNode person = ada.json();
        assertEquals("ada@example.com", person.path("person").asText());
        assertTrue(person.path("unsubscribed").asBoolean());
        assertEquals("WRITTEN", person.path("salesforce").path("outcome").asText());
        assertEquals(2, person.path("history").size());
        assertEquals("RECORDED", person.path("history").get(0).path("kind").asText());
        assertEquals("[\"HasOptedOutOfEmail\"]", person.path("history").get(1).path("fieldsWritten").toString());

        JsonNode bob = tool("person", "bob@example.com").json();
        assertFalse(bob.path("unsubscribed").asBoolean());
        assertTrue(bob.path("salesforce").isNull());
        JsonNode cy = tool("person", "cy@example.com").json();
        assertEquals("[\"newsletter\"]", cy.path("topics").toString());

        Result nobody = tool("person", "nobody@example.com");
        assertEquals(1, nobody.status());
        assertTrue(nobody.err().contains("nothing was ever recorded for nobody@example.com"), nobody.err());
        Result invalid = tool("person", "not-an-address");
        assertEquals(2, invalid.status());
        assertTrue(invalid.err().contains("is not an email address"), invalid.err());
    }

    @Test
    void asOfFoldsTheEventsUpToTheInstant(@TempDir Path dir) throws Exception {
        JsonNode first = tool("as-of", "2026-03-01T12:00:00Z").json();
        assertEquals(2, first.path("unsubscribed").asInt(), first.toString());
        assertEquals(3, first.path("eventsAfter").asInt());
        JsonNode later = tool("as-of", "2026-03-02T12:00:00Z").json();
        assertEquals(1, later.path("unsubscribed").asInt(), "bob removed: " + later);
        assertEquals(1, later.path("topicUnsubscribes").asInt());
        Path export = dir.resolve("people.csv");
        Result all = tool("as-of", "2026-03-04", "--export", export.toString());
        assertEquals(2, all.json().path("unsubscribed").asInt(), all.out());
        List<String> rows = Files.readAllLines(export);
        assertEquals("person,email,since,source,provider,salesforceId", rows.getFirst());
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.startsWith("dee@example.com,dee@example.com,2026-03-03T10:00:00Z,API")), rows.toString());

        Result bad = tool("as-of", "yesterday");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("'yesterday' is neither an offset (digits) nor a time"), bad.err());
    }

    @Test
    void runsListsEachRunsLatestStateNewestFirst() throws Exception {
        Result table = tool("runs");
        assertEquals(0, table.status(), table.err());
        String[] lines = table.out().split("\n");
        assertTrue(lines[1].startsWith("run-2") && lines[1].contains("SUCCEEDED"), table.out());
        assertTrue(lines[2].startsWith("run-1") && lines[2].contains("FAILED") && lines[2].contains("NO_ANSWER_FROM_PUSHER=1"), table.out());
        JsonNode one = tool("runs", "--run", "run-1").json();
        assertEquals("FAILED", one.path("state").asText());
        assertEquals(1, one.path("failed").path("NO_ANSWER_FROM_PUSHER").asInt());
        assertEquals(1, tool("runs", "--run", "run-9").status());
    }

    @Test
    void replayMovesAnEmptyGroupToATimeOnlyWhenToldAndNeverAGroupWithMembers() throws Exception {
        String group = "replay-test";
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(config)) {
            member.subscribe(List.of(Topics.UNSUBSCRIBE_EVENTS.name()));
            int read = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < 5 && System.nanoTime() < until) {
                read += member.poll(Duration.ofMillis(500)).count();
            }
            member.commitSync();
            Result refused = tool("replay", "--group", group, "--from", "2026-01-01");
            assertEquals(1, refused.status(), refused.out() + refused.err());
            assertTrue(refused.err().contains("has 1 active member(s)"), refused.err());
        }
        Result dry = tool("replay", "--group", group, "--from", betweenBatches.toString());
        assertEquals(0, dry.status(), dry.err());
        assertTrue(dry.out().contains("replay-test: 3 records will be read again"), dry.out());
        assertTrue(dry.out().contains("dry run: nothing changed"), dry.out());
        assertEquals(5, committed(group));

        Result moved = tool("replay", "--group", group, "--from", betweenBatches.toString(), "--execute");
        assertEquals(0, moved.status(), moved.err());
        assertEquals(2, committed(group));

        Result unknown = tool("replay", "--group", "no-such-group", "--from", "2026-01-01");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("no-such-group"), unknown.err());
    }

    private static long committed(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    @Test
    void badInputAndUnreachableSystemsGetAClearErrorAndTheToolWritesNothing(@TempDir Path dir) throws Exception {
        long before = endOffsets();
        Result unknown = tool("dump", "no-such-topic");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("there is no topic no-such-topic") && unknown.err().contains("unsubscribe-events"), unknown.err());
        Result partition = tool("dump", "reconcile-runs", "--partition", "3");
        assertEquals(2, partition.status());
        assertTrue(partition.err().contains("reconcile-runs has partitions 0 to 0"), partition.err());
        Result registry = tool("dump", "unsubscribe-events", "--registry", "http://127.0.0.1:1");
        assertEquals(3, registry.status());
        assertTrue(registry.err().contains("the registry at http://127.0.0.1:1/apis/ccompat/v7 did not answer"), registry.err());
        Path settings = dir.resolve("client.properties");
        Properties wrong = new Properties();
        wrong.setProperty("request.timeout.ms", "2000");
        try (var out = Files.newOutputStream(settings)) {
            wrong.store(out, null);
        }
        Result kafka = tool("runs", "--bootstrap-servers", "127.0.0.1:1", "--kafka-config", settings.toString());
        assertEquals(3, kafka.status(), kafka.err());
        assertTrue(kafka.err().contains("Kafka at 127.0.0.1:1 did not answer"), kafka.err());
        Result noCommand = tool();
        assertEquals(2, noCommand.status());
        assertEquals(before, endOffsets(), "the tool wrote to a topic");
    }

    private static long endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> all = new HashMap<>();
            for (Topic<?, ?> topic : List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.RECONCILE_RUNS, Topics.WEBHOOK_DEAD_LETTERS)) {
                for (int p = 0; p < topic.partitions(); p++) {
                    all.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(all).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }
}
