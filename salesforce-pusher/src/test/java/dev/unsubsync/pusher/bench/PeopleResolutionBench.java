package dev.unsubsync.pusher.bench;

import static dev.unsubsync.testsupport.ProcessStats.heapUsed;
import static dev.unsubsync.testsupport.ProcessStats.rssMiB;
import static org.awaitility.Awaitility.await;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.SalesforcePeople;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for resolving unsubscribes by email (issue 12; measures and prints, asserts nothing about speed). The real
 * broker and registry, the emulator as its own JVM with 150 ms added to every call, the pusher as its own JVM with its
 * defaults. The people directory ({@code salesforce-people}) is written here for every seeded Contact and Lead, as the
 * reconciler's directory would (its own load is measured by the reconciler's {@code DirectoryLoadBench}).
 *
 * <p>Phase 1: {@code bench.rate} (200) events/s for {@code bench.seconds} (30 s), half with a Contact's ID, half with an
 * email only; every email has a Contact and a Lead, so each event reaches two records. Measured: recordedAt → the last of
 * the event's results (both records confirmed), p50/p99; Collections and query calls. Phase 2: a burst of
 * {@code bench.burst} (10,000) emails no record has, produced at once; measured: live lookup queries and emails per query,
 * time until every one is answered {@code NO_SALESFORCE_RECORD}. Phase 3: phase 1 again, but the email-only half are people
 * the directory does not list (each looked up live).
 *
 * <p>{@code ./mvnw -Pbench -pl salesforce-pusher -am verify -Dtest=PeopleResolutionBench -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class PeopleResolutionBench {

    @Test
    void mixedTrafficAndABurstOfUnknownEmails() throws Exception {
        EventClasses.trust();
        int rate = Integer.getInteger("bench.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 30);
        int burst = Integer.getInteger("bench.burst", 10_000);
        int people = 2 * rate * seconds + 100;
        TestInfrastructure infra = TestInfrastructure.get();
        TopicProvisioner.ensureAll(infra.bootstrapServers(), Duration.ofSeconds(30));
        int emulatorPort = BenchKafka.freePort();
        String emulatorUrl = "http://127.0.0.1:" + emulatorPort;
        Path logs = Path.of(System.getProperty("java.io.tmpdir"));
        try (ServiceProcess emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(emulatorPort), "emulator.client-id", "bench", "emulator.client-secret", "bench",
                        "emulator.seed-contacts", "0", "emulator.seed-leads", "0", "emulator.daily-api-requests", "100000000"),
                List.of("-Xmx2g"), logs.resolve("bench-people-emulator.log"), URI.create(emulatorUrl + "/health"), Duration.ofMinutes(5))) {
            EmulatorClient salesforce = new EmulatorClient(emulatorUrl, "bench", "bench");
            // Every email gets a Contact and a Lead: the n-th Lead has the (n+1)-th Contact's address.
            salesforce.admin("POST", "/seed", "{\"contacts\":" + (people + 1) + ",\"leads\":" + people + "}");
            Map<String, List<DirectoryEntry>> byPerson = new LinkedHashMap<>();
            Map<String, String> contactOf = new LinkedHashMap<>();
            for (String object : List.of("Contact", "Lead")) {
                for (Map<String, Object> row : salesforce.queryAll("SELECT Id, Email FROM " + object)) {
                    String email = (String) row.get("Email");
                    String id = (String) row.get("Id");
                    byPerson.computeIfAbsent(PersonKey.of(email), k -> new ArrayList<>()).add(DirectoryEntry.newBuilder().setId(id).setObjectType(object)
                            .setEmail(email).build());
                    if (object.equals("Contact")) {
                        contactOf.put(PersonKey.of(email), id);
                    }
                }
            }
            List<String> paired = byPerson.entrySet().stream().filter(e -> e.getValue().size() == 2).map(Map.Entry::getKey).toList();
            try (KafkaProducer<String, SpecificRecord> producer = BenchKafka.producer(infra)) {
                byPerson.forEach((person, records) -> producer.send(new ProducerRecord<>(Topics.SALESFORCE_PEOPLE.name(), person,
                        SalesforcePeople.newBuilder().setRecords(records).setUpdatedAt(Instant.now()).build())));
                producer.flush();
                BenchKafka.directoryRefreshed(producer);
            }
            System.out.printf("emulator: %,d Contacts and %,d Leads, %,d emails with both; directory written; emulator RSS %d MiB%n",
                    people + 1, people, paired.size(), rssMiB(emulator.pid()));
            salesforce.admin("PUT", "/faults", "{\"latencyMs\":150}");

            int pusherPort = BenchKafka.freePort();
            String pusherUrl = "http://127.0.0.1:" + pusherPort;
            try (ServiceProcess pusher = ServiceProcess.start("salesforce-pusher", ServiceProcess.projectRoot(), "salesforce-pusher",
                    "dev.unsubsync.pusher.Application",
                    Map.of("micronaut.server.port", String.valueOf(pusherPort), "kafka.bootstrap.servers", infra.bootstrapServers(),
                            "kafka.apicurio.registry.url", infra.registry().apiUrl(), "salesforce.login-url", emulatorUrl,
                            "salesforce.client-id", "bench", "salesforce.client-secret", "bench", "pusher.api-token", "bench-token"),
                    List.of("-Xmx512m"), logs.resolve("bench-people-pusher.log"), URI.create(pusherUrl + "/health/liveness"), Duration.ofMinutes(2));
                    BenchKafka.ResultReader results = new BenchKafka.ResultReader(infra)) {
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> http.send(
                        HttpRequest.newBuilder(URI.create(pusherUrl + "/prometheus")).header("Authorization", "Bearer bench-token").build(),
                        HttpResponse.BodyHandlers.ofString()).body()
                        .contains("unsubsync_directory_caught_up 1.0"));
                System.out.printf("pusher: directory of %,d people read; RSS %d MiB, heap used %s%n", byPerson.size(), rssMiB(pusher.pid()),
                        heapUsed(pusher.pid()));

                steady("known", rate, seconds, paired, contactOf, false, salesforce, results, infra);

                long queriesBefore = BenchKafka.calls(salesforce, BenchKafka.QUERY);
                long started = System.nanoTime();
                try (KafkaProducer<String, SpecificRecord> producer = BenchKafka.producer(infra)) {
                    for (int i = 0; i < burst; i++) {
                        UnsubscribeRecorded event = event("burst" + i + "@nowhere.example", null, Instant.now());
                        results.sent(event);
                        producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(event.getEmail()), event));
                    }
                }
                results.awaitEvents("burst", burst, Duration.ofMinutes(5));
                long queries = BenchKafka.calls(salesforce, BenchKafka.QUERY) - queriesBefore;
                System.out.printf(
                        "burst: %,d unknown emails answered in %.1f s with %,d live lookup queries = %.0f emails per query (Contact and Lead each one query per group); outcomes %s%n",
                        burst, (System.nanoTime() - started) / 1e9, queries, 2.0 * burst / queries, results.outcomes("burst"));

                steady("unknown", rate, seconds, paired, contactOf, true, salesforce, results, infra);
                System.out.printf("pusher at the end: RSS %d MiB, heap used %s%n", rssMiB(pusher.pid()), heapUsed(pusher.pid()));
            }
        }
    }

    /** {@code rate} events/s: even ones name a Contact, odd ones only an email (one the directory lists, or an unknown one). */
    private static void steady(String prefix, int rate, int seconds, List<String> paired, Map<String, String> contactOf, boolean unknownHalf,
            EmulatorClient salesforce, BenchKafka.ResultReader results, TestInfrastructure infra) throws Exception {
        int count = rate * seconds;
        int offset = unknownHalf ? count : 0;
        long compositeBefore = BenchKafka.calls(salesforce, BenchKafka.COMPOSITE);
        long queriesBefore = BenchKafka.calls(salesforce, BenchKafka.QUERY);
        try (KafkaProducer<String, SpecificRecord> producer = BenchKafka.producer(infra)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long wait = t0 + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String person = paired.get(offset + i);
                boolean withId = i % 2 == 0;
                String email = withId || !unknownHalf ? person : "stranger" + i + "@nowhere.example";
                UnsubscribeRecorded event = event(prefix + "|" + email, withId ? contactOf.get(person) : null, Instant.now());
                event.setEmail(email);
                results.sent(event);
                producer.send(new ProducerRecord<>(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(email), event));
            }
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> results.phaseLatencies(prefix + "|").size() >= count);
        List<Long> latencies = results.phaseLatencies(prefix + "|");
        System.out.printf(
                "steady (%s): %d events/s for %d s, half by email: event latency recordedAt -> every record confirmed p50 %d ms, p99 %d ms, max %d ms; "
                        + "%,d Collections calls, %,d query calls%n",
                unknownHalf ? "email-only half unknown to the directory" : "email-only half in the directory", rate, seconds,
                latencies.get(latencies.size() / 2), latencies.get((int) (latencies.size() * 0.99)), latencies.getLast(),
                BenchKafka.calls(salesforce, BenchKafka.COMPOSITE) - compositeBefore, BenchKafka.calls(salesforce, BenchKafka.QUERY) - queriesBefore);
    }

    private static UnsubscribeRecorded event(String marker, String id, Instant now) {
        return UnsubscribeRecorded.newBuilder().setEventId(marker + "|" + UUID.randomUUID()).setEmail(marker).setSalesforceId(id)
                .setPersonType(id == null ? PersonType.UNKNOWN : PersonType.CONTACT).setSource(UnsubscribeSource.PROVIDER_WEBHOOK).setProvider("bench")
                .setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(now).setRecordedAt(now).build();
    }
}
