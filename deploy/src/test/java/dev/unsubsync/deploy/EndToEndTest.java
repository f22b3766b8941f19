package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.EmulatorClient;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow across every process boundary, on the stack {@code ./run local} starts (a KRaft broker process, the
 * registry, the emulator and the three services), on free ports: an unsubscribe posted to capture ends up as
 * {@code HasOptedOutOfEmail = true} in Salesforce.
 */
class EndToEndTest {

    private static LocalStack stack;
    private static EmulatorClient salesforce;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        Path root = Path.of(System.getProperty("project.root"));
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "local-stack-");
        stack = LocalStack.start(root, data, new LocalStack.Ports(freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()));
        salesforce = new EmulatorClient(stack.emulatorUrl(), LocalStack.EMULATOR_CLIENT_ID, LocalStack.EMULATOR_CLIENT_SECRET);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void unsubscribePostedToCaptureOptsTheSeededContactOutInSalesforce() throws Exception {
        Map<String, Object> ada = salesforce.query("SELECT Id, Email, HasOptedOutOfEmail FROM Contact WHERE Email = 'ada.lovelace@example.com'").getFirst();
        assertEquals(Boolean.FALSE, ada.get("HasOptedOutOfEmail"));
        String id = (String) ada.get("Id");

        HttpResponse<String> accepted = unsubscribe("{\"email\":\"ada.lovelace@example.com\",\"salesforceId\":\"" + id + "\",\"source\":\"link_click\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Contact", id).get("HasOptedOutOfEmail")));
    }

    @Test
    void fifteenCharacterLeadIdIsOptedOutToo() throws Exception {
        Map<String, Object> grace = salesforce.query("SELECT Id FROM Lead WHERE Email = 'grace.hopper@example.com'").getFirst();
        String id = (String) grace.get("Id");

        HttpResponse<String> accepted = unsubscribe("{\"email\":\"grace.hopper@example.com\",\"salesforceId\":\"" + id.substring(0, 15) + "\",\"source\":\"one_click\"}");
        assertEquals(202, accepted.statusCode(), accepted.body());

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Lead", id).get("HasOptedOutOfEmail")));
    }

    @Test
    void aNightlyRunStartedThroughTheApiRecordsASalesforceOnlyOptOutOnTheSalesSide() throws Exception {
        Map<String, Object> alan = salesforce.query("SELECT Id FROM Contact WHERE Email = 'alan.turing@example.com'").getFirst();
        String id = (String) alan.get("Id");
        salesforce.update("Contact", id, Map.of("HasOptedOutOfEmail", true));
        HttpResponse<String> settings = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/settings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"nightlySyncEnabled\":true,\"syncToEmailOptOut\":true,\"syncToMarketoSalesOptOut\":false}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, settings.statusCode(), settings.body());

        // The reconciler follows the settings topic: the run is refused until it has seen the change.
        HttpResponse<String> started = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(stack.reconcilerUrl() + "/v1/runs"))
                        .header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()), response -> response.statusCode() == 202);
        String location = started.headers().firstValue("Location").orElseThrow();

        String run = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(stack.reconcilerUrl() + location))
                        .header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body(),
                        body -> body.contains("\"state\":\"SUCCEEDED\"") || body.contains("\"state\":\"FAILED\""));
        assertTrue(run.contains("\"state\":\"SUCCEEDED\""), run);
        assertTrue(run.contains("\"recordedOnSalesSide\":1"), run);
    }

    private HttpResponse<String> unsubscribe(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/unsubscribes"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
