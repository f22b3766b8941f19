package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.TopicClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is lost: unsubscribes posted to capture like an upstream system would (retrying whatever was not
 * acknowledged) while Salesforce fails a share of calls and locks rows, the pusher is killed mid-batch and comes back,
 * and the broker restarts. Afterwards every acknowledged unsubscribe is opted out in Salesforce, has a WRITTEN result,
 * and no opt-out was ever cleared.
 */
@Tag("platform")
class ResilienceTest {

    private static final int PEOPLE = 600;
    private static final Pattern EVENT_ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");
    private static LocalStack stack;
    private static EmulatorClient salesforce;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startStack() throws Exception {
        EventClasses.trust();
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "resilience-");
        stack = LocalStack.start(Path.of(System.getProperty("project.root")), data,
                new LocalStack.Ports(freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()));
        salesforce = new EmulatorClient(stack.emulatorUrl(), LocalStack.EMULATOR_CLIENT_ID, LocalStack.EMULATOR_CLIENT_SECRET);
        salesforce.admin("POST", "/seed", "{\"contacts\":" + PEOPLE + ",\"leads\":0}");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAcceptedUnsubscribeIsWrittenThroughSalesforceFaultsAPusherCrashAndABrokerRestart() throws Exception {
        List<Map<String, Object>> contacts = salesforce.queryAll("SELECT Id, Email FROM Contact WHERE HasOptedOutOfEmail = false");
        List<Map<String, Object>> people = contacts.subList(0, PEOPLE);
        salesforce.admin("PUT", "/faults", "{\"latencyMs\":20,\"failShare\":0.15,\"failStatus\":503,"
                + "\"recordFailures\":[{\"statusCode\":\"UNABLE_TO_LOCK_ROW\",\"share\":0.1}]}");

        Set<String> accepted = new HashSet<>();
        for (int i = 0; i < people.size(); i++) {
            if (i == PEOPLE / 4) {
                stack.kill("salesforce-pusher");
            }
            if (i == PEOPLE / 2) {
                stack.restartKafka();
            }
            if (i == 3 * PEOPLE / 4) {
                stack.restart("salesforce-pusher");
            }
            Map<String, Object> person = people.get(i);
            accepted.add(postUntilAccepted("{\"email\":\"" + person.get("Email") + "\",\"salesforceId\":\"" + person.get("Id") + "\",\"source\":\"api\"}"));
        }
        assertEquals(PEOPLE, accepted.size());

        // Let the restarted pusher work under the faults for a while before Salesforce heals.
        // The test's own Salesforce reads meet the injected faults too: a failed read is simply tried again.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> salesforce.queryAll("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true").size() >= PEOPLE / 2);
        salesforce.admin("DELETE", "/faults", null);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> salesforce.queryAll("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true").size() >= PEOPLE);
        Set<String> optedOut = new HashSet<>();
        salesforce.queryAll("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = true").forEach(r -> optedOut.add((String) r.get("Id")));
        for (Map<String, Object> person : people) {
            assertTrue(optedOut.contains((String) person.get("Id")), "not opted out: " + person);
        }

        Set<String> written = writtenEventIds(accepted);
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(written);
        assertTrue(missing.isEmpty(), missing.size() + " accepted unsubscribes have no WRITTEN result");
        assertEquals(0, ((Number) salesforce.admin("GET", "", null).get("optOutsCleared")).intValue(), "an opt-out was cleared");
        Map<?, ?> injected = (Map<?, ?>) salesforce.admin("GET", "", null).get("injected");
        assertTrue(((Number) injected.get("requestFailures")).longValue() > 0 && ((Number) injected.get("recordFailures")).longValue() > 0,
                "the pusher should have met the injected faults: " + injected);
    }

    @Test
    void unsubscribesWaitingWhileTheRegistryIsDownAreWrittenOnceItIsBackAndNoneIsDeadLettered() throws Exception {
        List<String> contacts = new java.util.ArrayList<>();
        List<String> people = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String email = "registry.outage." + i + "." + java.util.UUID.randomUUID().toString().substring(0, 6) + "@example.com";
            contacts.add(salesforce.create("Contact", Map.of("LastName", "Outage", "Email", email)));
            people.add(email);
        }
        // Both fields chosen: a pusher acting on default settings (Email Opt Out only) before it could read them would show.
        settings("{\"nightlySyncEnabled\":true,\"syncToEmailOptOut\":true,\"syncToMarketoSalesOptOut\":true}");
        // The pusher is down while they arrive, so when it comes back its schema cache is empty: every record needs the registry.
        stack.kill("salesforce-pusher");
        for (int i = 0; i < people.size(); i++) {
            postUntilAccepted("{\"email\":\"" + people.get(i) + "\",\"salesforceId\":\"" + contacts.get(i) + "\",\"source\":\"api\"}");
        }
        stack.stopRegistry();
        stack.restart("salesforce-pusher");

        // While the registry is away nothing can be decoded: nothing may be dead-lettered or skipped either.
        TopicClients topics = new TopicClients(stack.bootstrapServers(), stack.registryUrl() + "/apis/registry/v3");
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                .until(() -> deadLettered(topics, people) == 0);
        assertEquals(Boolean.FALSE, salesforce.get("Contact", contacts.getFirst()).get("HasOptedOutOfEmail"), "nothing can be pushed without the registry");

        stack.startRegistry();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                for (String contact : contacts) {
                    Map<String, Object> record = salesforce.get("Contact", contact);
                    if (!Boolean.TRUE.equals(record.get("HasOptedOutOfEmail")) || !Boolean.TRUE.equals(record.get("Marketo_Sales_Opt_Out__c"))) {
                        return false;
                    }
                }
                return true;
            });
            assertEquals(0, deadLettered(topics, people), "every one was written, none dead-lettered");
        } finally {
            settings("{\"nightlySyncEnabled\":false,\"syncToEmailOptOut\":true,\"syncToMarketoSalesOptOut\":false}");
        }
    }

    private void settings(String json) throws Exception {
        HttpResponse<String> saved = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/settings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, saved.statusCode(), saved.body());
    }

    private static long deadLettered(TopicClients topics, List<String> people) {
        Set<String> keys = new HashSet<>(people);
        return topics.collectRaw(Topics.PUSH_DEAD_LETTERS.name(), r -> r.key() != null && keys.contains(r.key()), Duration.ofSeconds(2)).size();
    }

    /** Posts like an upstream system: anything but a 202 (a 503 while Kafka restarts, a refused connection) is retried. */
    private String postUntilAccepted(String body) throws InterruptedException {
        for (int attempt = 0; attempt < 120; attempt++) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/unsubscribes"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    Matcher m = EVENT_ID.matcher(response.body());
                    assertTrue(m.find(), response.body());
                    return m.group(1);
                }
                assertEquals(503, response.statusCode(), response.body());
            } catch (IOException e) {
                // capture unreachable for a moment: retry, as a sender would
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("capture never accepted " + body);
    }

    private Set<String> writtenEventIds(Set<String> wanted) {
        Set<String> written = new HashSet<>();
        new TopicClients(stack.bootstrapServers(), stack.registryUrl() + "/apis/registry/v3").collectAvro(Topics.PUSH_RESULTS.name(), r -> {
            OptOutPushResult result = (OptOutPushResult) r.value();
            return result.getOutcome() == PushOutcome.WRITTEN && written.add(result.getUnsubscribeEventId());
        }, found -> written.containsAll(wanted), Duration.ofSeconds(60));
        return written;
    }

    static int freePort() {
        return dev.unsubsync.testsupport.FreePorts.one();
    }

}
