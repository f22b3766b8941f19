package dev.unsubsync.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator's failure injection and control API under {@code /__admin}, seen from a plain HTTP client. */
@MicronautTest
@Property(name = "emulator.client-id", value = "admin-test")
@Property(name = "emulator.client-secret", value = "admin-secret")
@Property(name = "micronaut.server.port", value = "-1")
class AdminApiTest {

    private static final String V = "/services/data/v62.0";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void reset() throws Exception {
        assertEquals(200, send("POST", "/__admin/reset", null, null).statusCode());
    }

    @Test
    void injectedServerErrorsAnswerAsSalesforceDoes() throws Exception {
        admin("PUT", "/faults", "{\"failShare\":1.0,\"failStatus\":503}");
        HttpResponse<String> response = send("GET", V + "/limits", null, token());
        assertEquals(503, response.statusCode());
        assertEquals("SERVER_UNAVAILABLE", errorCode(response));

        admin("PUT", "/faults", "{\"failShare\":1.0,\"failStatus\":500}");
        assertEquals("UNKNOWN_EXCEPTION", errorCode(send("GET", V + "/limits", null, token())));
    }

    @Test
    void injectedRecordFailureHitsOnlyTheNamedRecordAndOnlyAsOftenAsAsked() throws Exception {
        String token = token();
        String locked = create(token, "{\"LastName\":\"Locked\"}");
        String free = create(token, "{\"LastName\":\"Free\"}");
        admin("PUT", "/faults", "{\"recordFailures\":[{\"statusCode\":\"UNABLE_TO_LOCK_ROW\",\"ids\":[\"" + locked + "\"],\"times\":1}]}");
        String body = "{\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + locked + "\",\"HasOptedOutOfEmail\":true},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + free + "\",\"HasOptedOutOfEmail\":true}]}";

        List<Map<String, Object>> first = results(send("PATCH", V + "/composite/sobjects", body, token));
        assertEquals("UNABLE_TO_LOCK_ROW", ((Map<?, ?>) ((List<?>) first.get(0).get("errors")).getFirst()).get("statusCode"));
        assertEquals(Boolean.TRUE, first.get(1).get("success"));

        List<Map<String, Object>> second = results(send("PATCH", V + "/composite/sobjects", body, token));
        assertEquals(Boolean.TRUE, second.get(0).get("success"), "the rule was for one failure only");
    }

    @Test
    void expiredSessionsAndExhaustedLimitsLookLikeSalesforces() throws Exception {
        String token = token();
        admin("POST", "/tokens/expire", null);
        assertEquals("INVALID_SESSION_ID", errorCode(send("GET", V + "/limits", null, token)));

        String fresh = token();
        admin("POST", "/limits/exhaust", null);
        HttpResponse<String> limited = send("GET", V + "/limits", null, fresh);
        assertEquals(403, limited.statusCode());
        assertEquals("REQUEST_LIMIT_EXCEEDED", errorCode(limited));
    }

    @Test
    void removingTheCustomFieldHidesItFromDescribeAndRefusesWrites() throws Exception {
        String token = token();
        String contact = create(token, "{\"LastName\":\"Field\"}");
        admin("PUT", "/fields/marketo", "{\"installed\":false}");

        HttpResponse<String> describe = send("GET", V + "/sobjects/Contact/describe", null, token);
        assertTrue(!describe.body().contains("Marketo_Sales_Opt_Out__c"), describe.body());
        HttpResponse<String> write = send("PATCH", V + "/sobjects/Contact/" + contact, "{\"Marketo_Sales_Opt_Out__c\":true}", token);
        assertEquals(400, write.statusCode());
        assertEquals("INVALID_FIELD", errorCode(write));

        admin("PUT", "/fields/marketo", "{\"installed\":true,\"name\":\"mkto71_Sales_Opt_Out__c\"}");
        assertEquals(204, send("PATCH", V + "/sobjects/Contact/" + contact, "{\"mkto71_Sales_Opt_Out__c\":true}", token).statusCode());
    }

    @Test
    void describeIsNoLongerNotModifiedOnceTheSchemaChanges() throws Exception {
        String token = token();
        String lastModified = send("GET", V + "/sobjects/Contact/describe", null, token).headers().firstValue("Last-Modified").orElseThrow();
        admin("PUT", "/fields/marketo", "{\"installed\":false}");
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/sobjects/Contact/describe"))
                .header("Authorization", "Bearer " + token).header("If-Modified-Since", lastModified).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), "a cached describe must not hide a removed field");
        assertTrue(!again.body().contains("Marketo_Sales_Opt_Out__c"));
    }

    @Test
    void readOnlyFieldIsNotUpdateableInDescribeAndRefusesWrites() throws Exception {
        String token = token();
        String contact = create(token, "{\"LastName\":\"ReadOnly\"}");
        admin("PUT", "/fields/Contact/HasOptedOutOfEmail", "{\"access\":\"READ_ONLY\"}");

        List<?> fields = (List<?>) json.readValue(send("GET", V + "/sobjects/Contact/describe", null, token).body(),
                Argument.mapOf(String.class, Object.class)).get("fields");
        Map<?, ?> optOut = fields.stream().map(Map.class::cast).filter(f -> "HasOptedOutOfEmail".equals(f.get("name"))).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, optOut.get("updateable"));
        HttpResponse<String> write = send("PATCH", V + "/sobjects/Contact/" + contact, "{\"HasOptedOutOfEmail\":true}", token);
        assertEquals(400, write.statusCode());
        assertEquals("INVALID_FIELD_FOR_INSERT_UPDATE", errorCode(write));
    }

    @Test
    void hiddenFieldIsAbsentFromDescribeAndSoql() throws Exception {
        String token = token();
        admin("PUT", "/fields/Lead/Marketo_Sales_Opt_Out__c", "{\"access\":\"HIDDEN\"}");

        assertTrue(!send("GET", V + "/sobjects/Lead/describe", null, token).body().contains("Marketo_Sales_Opt_Out__c"));
        HttpResponse<String> query = send("GET", V + "/query?q=" + URLEncoder.encode("SELECT Marketo_Sales_Opt_Out__c FROM Lead", StandardCharsets.UTF_8), null,
                token);
        assertEquals("INVALID_FIELD", errorCode(query));
        assertTrue(send("GET", V + "/sobjects/Contact/describe", null, token).body().contains("Marketo_Sales_Opt_Out__c"), "Contact is untouched");
    }

    @Test
    void convertedLeadRefusesUpdatesAndNamesItsContact() throws Exception {
        String token = token();
        String lead = (String) json.readValue(
                send("POST", V + "/sobjects/Lead", "{\"LastName\":\"Convert\",\"Company\":\"Acme\",\"Email\":\"convert@example.com\"}", token).body(),
                Argument.mapOf(String.class, Object.class)).get("id");
        String contact = (String) admin("POST", "/leads/" + lead + "/convert", "{}").get("convertedContactId");

        HttpResponse<String> write = send("PATCH", V + "/sobjects/Lead/" + lead, "{\"HasOptedOutOfEmail\":true}", token);
        assertEquals("CANNOT_UPDATE_CONVERTED_LEAD", errorCode(write));
        Map<String, Object> record = json.readValue(send("GET", V + "/sobjects/Lead/" + lead, null, token).body(), Argument.mapOf(String.class, Object.class));
        assertEquals(Boolean.TRUE, record.get("IsConverted"));
        assertEquals(contact, record.get("ConvertedContactId"));
        assertEquals(200, send("GET", V + "/sobjects/Contact/" + contact, null, token).statusCode());
    }

    @Test
    void mergedRecordIsDeletedAndPointsAtItsMaster() throws Exception {
        String token = token();
        String master = create(token, "{\"LastName\":\"Master\"}");
        String duplicate = create(token, "{\"LastName\":\"Duplicate\",\"Email\":\"merged@example.com\"}");
        admin("POST", "/merge", "{\"masterId\":\"" + master + "\",\"duplicateIds\":[\"" + duplicate + "\"]}");

        assertEquals("ENTITY_IS_DELETED", errorCode(send("GET", V + "/sobjects/Contact/" + duplicate, null, token)));
        Map<String, Object> all = json.readValue(send("GET", V + "/queryAll?q=" + URLEncoder.encode(
                "SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Email = 'merged@example.com'", StandardCharsets.UTF_8), null, token).body(),
                Argument.mapOf(String.class, Object.class));
        Map<?, ?> row = (Map<?, ?>) ((List<?>) all.get("records")).getFirst();
        assertEquals(Boolean.TRUE, row.get("IsDeleted"));
        assertEquals(master, row.get("MasterRecordId"));
    }

    @Test
    void anUndeletedRecordIsLiveAgainWithItsFieldsAndNoMaster() throws Exception {
        String token = token();
        String master = create(token, "{\"LastName\":\"Kept\"}");
        String merged = create(token, "{\"LastName\":\"Merged\",\"Email\":\"undeleted@example.com\"}");
        admin("POST", "/merge", "{\"masterId\":\"" + master + "\",\"duplicateIds\":[\"" + merged + "\"]}");

        admin("POST", "/records/" + merged + "/undelete", null);

        HttpResponse<String> live = send("GET", V + "/sobjects/Contact/" + merged, null, token);
        assertEquals(200, live.statusCode(), live.body());
        Map<String, Object> row = json.readValue(live.body(), Argument.mapOf(String.class, Object.class));
        assertEquals(Boolean.FALSE, row.get("IsDeleted"));
        assertEquals(null, row.get("MasterRecordId"), "no longer a merged duplicate");
        assertEquals("undeleted@example.com", row.get("Email"));
        HttpResponse<String> again = send("POST", "/__admin/records/" + merged + "/undelete", null, null);
        assertEquals(400, again.statusCode(), again.body());
        assertTrue(again.body().contains("UNDELETE_FAILED"), again.body());
    }

    @Test
    void aPathWithDoubledSlashesIsServedAsSalesforceServesIt() throws Exception {
        String token = token();
        String contact = create(token, "{\"LastName\":\"Slashes\"}");
        // A client keeping the instance URL with a trailing slash sends //services/data/...
        HttpResponse<String> doubled = send("GET", "/" + V + "/sobjects/Contact/" + contact, null, token);
        assertEquals(200, doubled.statusCode(), doubled.body());
        assertEquals(200, send("GET", "/" + V + "//query?q=" + URLEncoder.encode("SELECT Id FROM Contact", StandardCharsets.UTF_8), null, token).statusCode());
        assertEquals(401, send("GET", "/" + V + "/sobjects/Contact/" + contact, null, "not-a-session").statusCode(), "and the session is still checked");
    }

    @Test
    void everyOptOutClearedThroughTheApiIsCounted() throws Exception {
        String token = token();
        String contact = create(token, "{\"LastName\":\"Cleared\"}");
        send("PATCH", V + "/sobjects/Contact/" + contact, "{\"HasOptedOutOfEmail\":true}", token);
        assertEquals(0, ((Number) admin("GET", "", null).get("optOutsCleared")).intValue());
        send("PATCH", V + "/sobjects/Contact/" + contact, "{\"HasOptedOutOfEmail\":false}", token);
        assertEquals(1, ((Number) admin("GET", "", null).get("optOutsCleared")).intValue());
    }

    @Test
    void countersTellCallsPerEndpoint() throws Exception {
        String token = token();
        send("GET", V + "/query?q=" + URLEncoder.encode("SELECT Id FROM Contact", StandardCharsets.UTF_8), null, token);
        send("GET", V + "/sobjects/Contact/003000000000001", null, token);
        Map<?, ?> calls = (Map<?, ?>) admin("GET", "", null).get("calls");
        assertEquals(1, ((Number) calls.get("GET /services/data/{version}/query")).intValue(), calls.toString());
        assertEquals(1, ((Number) calls.get("GET /services/data/{version}/sobjects/Contact/{id}")).intValue(), calls.toString());
    }

    @Test
    void seedingAddsRecordsAndBadRulesAreRefused() throws Exception {
        int before = ((Number) admin("GET", "", null).get("records")).intValue();
        int after = ((Number) admin("POST", "/seed", "{\"contacts\":100,\"leads\":50}").get("records")).intValue();
        assertEquals(before + 150, after);
        assertEquals(400, send("PUT", "/__admin/faults", "{\"recordFailures\":[{\"statusCode\":\"MADE_UP\"}]}", null).statusCode());
    }

    private Map<String, Object> admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, "/__admin" + path, body, null);
        assertEquals(200, response.statusCode(), response.body());
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private String token() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.getURI().resolve("/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=admin-test&client_secret=admin-secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) json.readValue(response.body(), Argument.mapOf(String.class, Object.class)).get("access_token");
    }

    private String create(String token, String body) throws Exception {
        HttpResponse<String> response = send("POST", V + "/sobjects/Contact", body, token);
        return (String) json.readValue(response.body(), Argument.mapOf(String.class, Object.class)).get("id");
    }

    private List<Map<String, Object>> results(HttpResponse<String> response) throws Exception {
        return json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    private String errorCode(HttpResponse<String> response) throws Exception {
        return (String) json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class))).getFirst().get("errorCode");
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
