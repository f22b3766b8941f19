package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.ServiceProcess;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whole nightly runs over the real broker, the real registry, the emulator and the real pusher, with two reconciler
 * instances as their own processes: the union rule both ways, a resubscribe on one side brought back, no {@code false}
 * ever written, the report's counts checked against the emulator, a disabled sync, and a run whose instance is killed
 * mid-run finished by the other instance. The tests run in order: each builds on the state the last one left.
 */
@ExtendWith(RealInfrastructureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyRunTest {

    private static final String TOKEN = "nightly-run-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ServiceProcess> reconcilers = new ArrayList<>();
    private final List<String> reconcilerUrls = new ArrayList<>();
    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private ServiceProcess emulator;
    private ServiceProcess pusher;
    private EmulatorClient salesforce;
    private TopicClients topics;
    private String emulatorUrl;
    private Instant skippedRunDue;
    private long clearedByTheTest;

    @BeforeAll
    void start() throws Exception {
        EventClasses.trust();
        TopicProvisioner.ensureAll(TestInfrastructure.get().bootstrapServers(), Duration.ofSeconds(30));
        topics = TopicClients.of(TestInfrastructure.get());
        int emulatorPort = freePort();
        emulatorUrl = "http://127.0.0.1:" + emulatorPort;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator", "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(emulatorPort), "emulator.client-id", "nightly", "emulator.client-secret", "nightly-secret"),
                List.of("-Xmx256m"), log("emulator"), URI.create(emulatorUrl + "/health"), Duration.ofSeconds(60));
        salesforce = new EmulatorClient(emulatorUrl, "nightly", "nightly-secret");

        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(false).build());

        int pusherPort = freePort();
        Map<String, String> pusherProperties = new HashMap<>(services());
        pusherProperties.put("micronaut.server.port", String.valueOf(pusherPort));
        pusher = ServiceProcess.start("salesforce-pusher", ServiceProcess.projectRoot(), "salesforce-pusher", "dev.unsubsync.pusher.Application",
                pusherProperties, List.of("-Xmx256m"), log("pusher"), URI.create("http://127.0.0.1:" + pusherPort + "/health/liveness"),
                Duration.ofSeconds(90));
        startReconciler("a");
        startReconciler("b");
    }

    @AfterAll
    void stop() {
        reconcilers.forEach(ServiceProcess::close);
        if (pusher != null) {
            pusher.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    @Order(1)
    void aScheduledRunWithTheSyncDisabledDoesNothingAndSaysSo() throws Exception {
        // Due in 15 s (the reconciler takes seconds in the time; capture's API only HH:mm), with the sync disabled.
        LocalTime soon = LocalTime.now(ZoneOffset.UTC).plusSeconds(15).withNano(0);
        skippedRunDue = Instant.now().atZone(ZoneOffset.UTC).with(soon).toInstant();
        if (skippedRunDue.isBefore(Instant.now())) {
            skippedRunDue = skippedRunDue.plus(Duration.ofDays(1));
        }
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(false).setNightlyTime(soon.format(DateTimeFormatter.ISO_LOCAL_TIME))
                .setNightlyZone("UTC").build());
        Map<String, Object> skipped = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> runs().stream().filter(run -> "SCHEDULE".equals(run.get("trigger"))).findFirst().orElse(null), run -> run != null);
        assertEquals("SKIPPED", skipped.get("state"), skipped.toString());
        assertEquals(skippedRunDue.toString(), Instant.parse((String) skipped.get("requestedAt")).toString());
        assertTrue(String.valueOf(skipped.get("message")).contains("nightly sync is disabled"), skipped.toString());

        HttpResponse<String> manual = post(reconcilerUrls.getFirst() + "/v1/runs", TOKEN);
        assertEquals(409, manual.statusCode(), manual.body());
        assertTrue(manual.body().contains("nightly sync is disabled"), manual.body());
        assertEquals(401, post(reconcilerUrls.getFirst() + "/v1/runs", "wrong-token").statusCode());
    }

    @Test
    @Order(2)
    void aRunClosesTheDiffBothWaysAndItsReportMatchesSalesforce() throws Exception {
        saveSettings(SyncSettings.newBuilder().setNightlySyncEnabled(true).build());
        // Pushed in real time, then unchecked in Salesforce only: the run must push it back.
        String resubscribedInSalesforce = salesforce.create("Contact", Map.of("LastName", "Resub", "Email", email("resub")));
        // Opted out in Salesforce only: the run must record it on the sales side.
        String onlyInSalesforce = salesforce.create("Contact", Map.of("LastName", "SfOnly", "Email", email("sf-only"), "HasOptedOutOfEmail", true));
        // Pushed in real time and left alone: in sync.
        String inSync = salesforce.create("Lead", Map.of("LastName", "InSync", "Company", "Acme", "Email", email("in-sync")));
        // Pushed in real time, then removed on the sales side only: the run must bring it back from Salesforce.
        String removedOnSalesSide = salesforce.create("Contact", Map.of("LastName", "Removed", "Email", email("removed")));
        // Opted out in Salesforce with no email: counted, not guessed.
        salesforce.create("Lead", Map.of("LastName", "NoEmail", "Company", "Acme", "HasOptedOutOfEmail", true));

        for (var person : Map.of("resub", resubscribedInSalesforce, "in-sync", inSync, "removed", removedOnSalesSide).entrySet()) {
            String eventId = unsubscribe(email(person.getKey()), person.getValue());
            topics.readAvro(Topics.PUSH_RESULTS.name(), r -> r.value() instanceof OptOutPushResult result
                    && result.getUnsubscribeEventId().equals(eventId) && result.getOutcome() == PushOutcome.WRITTEN, 1, Duration.ofSeconds(60));
        }
        unsubscribe(email("no-id"), null);
        salesforce.update("Contact", resubscribedInSalesforce, Map.of("HasOptedOutOfEmail", false));
        clearedByTheTest++;
        topics.send(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(email("removed")), UnsubscribeRemoved.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail(email("removed")).setRemovedBy("admin").setReason("asked to")
                .setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build());
        long optedOutBefore = optedOutInSalesforce();

        Map<String, Object> run = runToEnd(reconcilerUrls.getLast());

        assertEquals("SUCCEEDED", run.get("state"), run.toString());
        Map<String, Object> report = report(run);
        assertEquals(1L, count(report, "toSalesforce"), run.toString());
        assertEquals(1L, count(report, "writtenToSalesforce"), run.toString());
        assertEquals(optedOutInSalesforce() - optedOutBefore, count(report, "writtenToSalesforce"), "the report counts what changed in Salesforce");
        assertEquals(Boolean.TRUE, salesforce.get("Contact", resubscribedInSalesforce).get("HasOptedOutOfEmail"), "brought back in Salesforce");
        assertEquals(2L, count(report, "toSalesSide"), run.toString());
        assertEquals(2L, count(report, "recordedOnSalesSide"), run.toString());
        for (String person : List.of("sf-only", "removed")) {
            List<?> recorded = topics.readAvro(Topics.UNSUBSCRIBE_EVENTS.name(), r -> r.value() instanceof UnsubscribeRecorded event
                    && event.getSource() == UnsubscribeSource.SALESFORCE_SYNC && event.getEmail().equals(email(person)), 1, Duration.ofSeconds(30));
            assertEquals(1, recorded.size(), person + " recorded on the sales side");
        }
        assertEquals(onlyInSalesforce,
                ((UnsubscribeRecorded) topics.readAvro(Topics.UNSUBSCRIBE_EVENTS.name(), r -> r.value() instanceof UnsubscribeRecorded event
                        && event.getEmail().equals(email("sf-only")), 1, Duration.ofSeconds(30)).getFirst().value()).getSalesforceId());
        assertEquals(1L, count(report, "inSync"), run.toString());
        assertEquals(1L, skipped(report, "noSalesforceId"), run.toString());
        assertEquals(1L, skipped(report, "noEmail"), run.toString());
        assertTrue(((Map<?, ?>) report.get("failed")).isEmpty(), run.toString());
        assertTrue(count(report, "apiCallsUsed") > 0, run.toString());
        assertEquals(clearedByTheTest, ((Number) salesforce.admin("GET", "", null).get("optOutsCleared")).longValue(),
                "nothing but the test itself ever wrote false");

        Map<String, Object> again = runToEnd(reconcilerUrls.getFirst());
        Map<String, Object> second = report(again);
        assertEquals("SUCCEEDED", again.get("state"), again.toString());
        assertEquals(0L, count(second, "toSalesforce"), "converged: " + again);
        assertEquals(0L, count(second, "toSalesSide"), "converged: " + again);
        assertEquals(4L, count(second, "inSync"), again.toString());
    }

    @Test
    @Order(3)
    void aRunWhoseInstanceDiesIsFinishedByTheOtherAndRunsNeverOverlap() throws Exception {
        String unchecked = salesforce.create("Contact", Map.of("LastName", "Crash", "Email", email("crash")));
        String eventId = unsubscribe(email("crash"), unchecked);
        topics.readAvro(Topics.PUSH_RESULTS.name(), r -> r.value() instanceof OptOutPushResult result
                && result.getUnsubscribeEventId().equals(eventId) && result.getOutcome() == PushOutcome.WRITTEN, 1, Duration.ofSeconds(60));
        salesforce.update("Contact", unchecked, Map.of("HasOptedOutOfEmail", false));
        clearedByTheTest++;
        // Slow Salesforce down so the run is surely still going when its instance dies.
        salesforce.admin("PUT", "/faults", "{\"latencyMs\": 1500}");

        HttpResponse<String> started = post(reconcilerUrls.getFirst() + "/v1/runs", TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        String runId = (String) JSON.readValue(started.body(), new TypeReference<Map<String, Object>>() {
        }).get("runId");
        HttpResponse<String> overlapping = post(reconcilerUrls.getLast() + "/v1/runs", TOKEN);
        assertEquals(409, overlapping.statusCode(), overlapping.body());
        assertTrue(overlapping.body().contains(runId), overlapping.body());

        await().atMost(Duration.ofSeconds(30)).until(() -> "SNAPSHOT".equals(run(reconcilerUrls.getFirst(), runId).get("phase")));
        int leader = -1;
        for (int i = 0; i < reconcilers.size(); i++) {
            if (health(reconcilerUrls.get(i)).contains(runId)) {
                leader = i;
            }
        }
        assertTrue(leader >= 0, "one instance runs " + runId);
        reconcilers.get(leader).kill();
        String survivor = reconcilerUrls.get(1 - leader);
        salesforce.admin("PUT", "/faults", "{\"latencyMs\": 0}");

        Map<String, Object> finished = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                .until(() -> run(survivor, runId), r -> "SUCCEEDED".equals(r.get("state")) || "FAILED".equals(r.get("state")));
        assertEquals("SUCCEEDED", finished.get("state"), finished.toString());
        assertTrue(((Number) finished.get("attempt")).intValue() >= 2, "restarted by the other instance: " + finished);
        assertEquals(Boolean.TRUE, salesforce.get("Contact", unchecked).get("HasOptedOutOfEmail"));
        assertEquals(clearedByTheTest, ((Number) salesforce.admin("GET", "", null).get("optOutsCleared")).longValue());
    }

    private Map<String, Object> runToEnd(String reconciler) throws Exception {
        HttpResponse<String> started = post(reconciler + "/v1/runs", TOKEN);
        assertEquals(202, started.statusCode(), started.body());
        String runId = (String) JSON.readValue(started.body(), new TypeReference<Map<String, Object>>() {
        }).get("runId");
        assertTrue(started.headers().firstValue("Location").orElse("").endsWith("/v1/runs/" + runId));
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> run(reconciler, runId), r -> "SUCCEEDED".equals(r.get("state")) || "FAILED".equals(r.get("state")));
    }

    private void startReconciler(String name) throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> properties = new HashMap<>(services());
        properties.put("micronaut.server.port", String.valueOf(port));
        properties.put("reconciler.api-token", TOKEN);
        properties.put("reconciler.state-dir", Path.of(System.getProperty("java.io.tmpdir"), "nightly-run-test-" + tag + "-" + name).toString());
        String url = "http://127.0.0.1:" + port;
        reconcilers.add(ServiceProcess.start("nightly-reconciler-" + name, ServiceProcess.projectRoot(), "nightly-reconciler",
                "dev.unsubsync.reconciler.Application", properties, List.of("-Xmx256m"), log("reconciler-" + name),
                URI.create(url + "/health/liveness"), Duration.ofSeconds(90)));
        reconcilerUrls.add(url);
    }

    private Map<String, String> services() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        properties.put("salesforce.login-url", emulatorUrl);
        properties.put("salesforce.client-id", "nightly");
        properties.put("salesforce.client-secret", "nightly-secret");
        return properties;
    }

    private String unsubscribe(String email, String salesforceId) throws Exception {
        String eventId = UUID.randomUUID().toString();
        topics.send(Topics.UNSUBSCRIBE_EVENTS.name(), PersonKey.of(email), UnsubscribeRecorded.newBuilder().setEventId(eventId).setEmail(email)
                .setSalesforceId(salesforceId).setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build());
        return eventId;
    }

    private long optedOutInSalesforce() throws Exception {
        return salesforce.query("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true").size()
                + salesforce.query("SELECT Id FROM Lead WHERE HasOptedOutOfEmail = true").size();
    }

    private void saveSettings(SyncSettings settings) throws Exception {
        topics.send(Topics.SETTINGS.name(), Topics.SETTINGS_KEY, settings);
    }

    private String email(String who) {
        return who + "-" + tag + "@example.com";
    }

    private List<Map<String, Object>> runs() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(reconcilerUrls.getFirst() + "/v1/runs"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.convertValue(JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {
        }).get("runs"), new TypeReference<>() {
        });
    }

    private Map<String, Object> run(String reconciler, String runId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(reconciler + "/v1/runs/" + runId))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readValue(response.body(), new TypeReference<>() {
        }) : Map.of("state", "UNKNOWN");
    }

    private String health(String reconciler) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(reconciler + "/health")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> report(Map<String, Object> run) {
        return (Map<String, Object>) run.get("report");
    }

    private static long count(Map<String, Object> report, String name) {
        return ((Number) report.get(name)).longValue();
    }

    private static long skipped(Map<String, Object> report, String reason) {
        Object count = ((Map<?, ?>) report.get("skipped")).get(reason);
        return count == null ? 0 : ((Number) count).longValue();
    }

    private static Path log(String name) {
        return Path.of(System.getProperty("java.io.tmpdir"), "nightly-run-test-" + name + ".log");
    }

    private static int freePort() {
        return FreePorts.one();
    }
}
