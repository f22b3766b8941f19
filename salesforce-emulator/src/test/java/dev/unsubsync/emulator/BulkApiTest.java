package dev.unsubsync.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.emulator.domain.Csv;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk API 2.0 over plain HTTP: query jobs paged by locator, ingest jobs with successful and failed results. */
@MicronautTest
@Property(name = "emulator.client-id", value = "bulk")
@Property(name = "emulator.client-secret", value = "bulk-secret")
@Property(name = "emulator.seed-contacts", value = "2500")
@Property(name = "micronaut.server.port", value = "-1")
class BulkApiTest {

    private static final String V = "/services/data/v62.0";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    @BeforeEach
    void authenticate() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.getURI().resolve("/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=bulk&client_secret=bulk-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        token = (String) map(response).get("access_token");
    }

    @Test
    void queryJobResultsArePagedWithLocatorAndRecordCount() throws Exception {
        Map<String, Object> job = map(send("POST", V + "/jobs/query",
                "{\"operation\":\"query\",\"query\":\"SELECT Id, Email, HasOptedOutOfEmail FROM Contact WHERE Email LIKE '%@example.com'\"}",
                "application/json"));
        assertEquals("UploadComplete", job.get("state"));
        assertEquals("CSV", job.get("contentType"));
        String id = (String) job.get("id");
        assertTrue(id.startsWith("750"));

        String state = "";
        for (int polls = 0; polls < 10 && !state.equals("JobComplete"); polls++) {
            state = (String) map(send("GET", V + "/jobs/query/" + id, null, null)).get("state");
        }
        assertEquals("JobComplete", state);

        int rows = 0;
        String locator = null;
        int pages = 0;
        do {
            HttpResponse<String> page = send("GET", V + "/jobs/query/" + id + "/results?maxRecords=1000" + (locator == null ? "" : "&locator=" + locator), null,
                    null);
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
            List<List<String>> csv = Csv.parse(page.body());
            assertEquals(List.of("Id", "Email", "HasOptedOutOfEmail"), csv.getFirst());
            assertEquals(csv.size() - 1, Integer.parseInt(page.headers().firstValue("Sforce-NumberOfRecords").orElseThrow()));
            rows += csv.size() - 1;
            locator = page.headers().firstValue("Sforce-Locator").orElseThrow();
            pages++;
        } while (!locator.equals("null"));
        assertTrue(rows >= 2500, "rows " + rows);
        assertEquals((rows + 999) / 1000, pages);
    }

    @Test
    void ingestUpdateAppliesRowsAndReportsFailuresPerRow() throws Exception {
        Map<?, ?> first = (Map<?, ?>) ((List<?>) map(send("GET", V + "/query?q=SELECT+Id+FROM+Contact+LIMIT+1", null, null)).get("records")).getFirst();
        String good = (String) first.get("Id");
        Map<String, Object> job = map(send("POST", V + "/jobs/ingest",
                "{\"object\":\"Contact\",\"operation\":\"update\",\"contentType\":\"CSV\",\"lineEnding\":\"LF\"}", "application/json"));
        assertEquals("Open", job.get("state"));
        String id = (String) job.get("id");

        HttpResponse<String> upload = send("PUT", V + "/jobs/ingest/" + id + "/batches",
                "Id,HasOptedOutOfEmail\n" + good + ",true\n003000000000999AAA,true\n", "text/csv");
        assertEquals(201, upload.statusCode(), upload.body());
        assertEquals("UploadComplete", map(send("PATCH", V + "/jobs/ingest/" + id, "{\"state\":\"UploadComplete\"}", "application/json")).get("state"));

        Map<String, Object> status = awaitEnd(id);
        assertEquals("JobComplete", status.get("state"));
        assertEquals(2, ((Number) status.get("numberRecordsProcessed")).intValue());
        assertEquals(1, ((Number) status.get("numberRecordsFailed")).intValue());

        List<List<String>> successful = Csv.parse(send("GET", V + "/jobs/ingest/" + id + "/successfulResults", null, null).body());
        assertEquals(List.of("sf__Id", "sf__Created", "Id", "HasOptedOutOfEmail"), successful.getFirst());
        assertEquals(good, successful.get(1).getFirst());
        List<List<String>> failed = Csv.parse(send("GET", V + "/jobs/ingest/" + id + "/failedResults", null, null).body());
        assertTrue(failed.get(1).get(1).startsWith("NOT_FOUND:"), failed.toString());
        assertEquals(Boolean.TRUE, map(send("GET", V + "/sobjects/Contact/" + good, null, null)).get("HasOptedOutOfEmail"));
    }

    @Test
    void unknownColumnFailsTheWholeIngestJob() throws Exception {
        String id = (String) map(send("POST", V + "/jobs/ingest", "{\"object\":\"Contact\",\"operation\":\"update\"}", "application/json")).get("id");
        send("PUT", V + "/jobs/ingest/" + id + "/batches", "Id,Nope__c\n003000000000001AAA,true\n", "text/csv");
        send("PATCH", V + "/jobs/ingest/" + id, "{\"state\":\"UploadComplete\"}", "application/json");
        Map<String, Object> status = awaitEnd(id);
        assertEquals("Failed", status.get("state"));
        assertTrue(((String) status.get("errorMessage")).contains("Nope__c"));
    }

    @Test
    void unknownJobIsNotFound() throws Exception {
        assertEquals(404, send("GET", V + "/jobs/query/750000000000001AAA", null, null).statusCode());
    }

    /** Polls an ingest job until it is complete or failed, as a client would. */
    private Map<String, Object> awaitEnd(String id) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Map<String, Object>> status = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(20)).until(() -> {
            status.set(map(send("GET", V + "/jobs/ingest/" + id, null, null)));
            return List.of("JobComplete", "Failed").contains(status.get().get("state"));
        });
        return status.get();
    }

    private Map<String, Object> map(HttpResponse<String> response) throws Exception {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
