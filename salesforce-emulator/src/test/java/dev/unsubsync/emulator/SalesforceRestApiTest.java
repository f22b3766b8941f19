package dev.unsubsync.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator answers over HTTP exactly as Salesforce's REST API is documented to: plain HTTP requests, no client of
 * ours in between.
 */
@MicronautTest
@Property(name = "emulator.client-id", value = "test-client")
@Property(name = "emulator.client-secret", value = "test-secret")
@Property(name = "emulator.seed-contacts", value = "250")
@Property(name = "micronaut.server.port", value = "-1")
class SalesforceRestApiTest {

    private static final String V = "/services/data/v62.0";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    @BeforeEach
    void authenticate() throws Exception {
        token = (String) token("test-client", "test-secret").body().get("access_token");
    }

    @Test
    void clientCredentialsFlowAnswersTheDocumentedTokenFields() throws Exception {
        var response = token("test-client", "test-secret");
        assertEquals(200, response.statusCode());
        for (String field : List.of("access_token", "instance_url", "id", "token_type", "issued_at", "scope", "signature", "token_format")) {
            assertNotNull(response.body().get(field), field);
        }
        assertEquals("Bearer", response.body().get("token_type"));
        assertEquals(server.getURL().toString(), response.body().get("instance_url"));
    }

    @Test
    void wrongSecretIsInvalidClient() throws Exception {
        var response = token("test-client", "nope");
        assertEquals(400, response.statusCode());
        assertEquals("invalid_client", response.body().get("error"));
        assertEquals("invalid client credentials", response.body().get("error_description"));
    }

    @Test
    void missingOrUnknownSessionIsInvalidSessionId() throws Exception {
        var response = send("GET", V + "/sobjects/Contact/describe", null, "00Dbogus!token");
        assertEquals(401, response.statusCode());
        assertEquals("INVALID_SESSION_ID", errorCode(response));
    }

    @Test
    void soqlFindsASeededContactByEmailCaseInsensitively() throws Exception {
        var response = send("GET", V + "/query?q=" + enc("SELECT Id, Email, HasOptedOutOfEmail FROM Contact WHERE Email = 'ADA.LOVELACE@example.com'"), null,
                token);
        assertEquals(200, response.statusCode());
        Map<String, Object> body = map(response);
        assertEquals(1, ((Number) body.get("totalSize")).intValue());
        assertEquals(Boolean.TRUE, body.get("done"));
        Map<?, ?> record = (Map<?, ?>) ((List<?>) body.get("records")).getFirst();
        assertEquals("Contact", ((Map<?, ?>) record.get("attributes")).get("type"));
        assertEquals(18, ((String) record.get("Id")).length());
        assertTrue(((String) record.get("Id")).startsWith("003"));
        assertEquals(Boolean.FALSE, record.get("HasOptedOutOfEmail"));
    }

    @Test
    void largeResultsArePagedThroughNextRecordsUrlAtTheRequestedBatchSize() throws Exception {
        HttpRequest first = request("GET", V + "/query?q=" + enc("SELECT Id FROM Contact"), null, token)
                .header("Sforce-Query-Options", "batchSize=200").build();
        Map<String, Object> page = map(http.send(first, HttpResponse.BodyHandlers.ofString()));
        int seen = ((List<?>) page.get("records")).size();
        int total = ((Number) page.get("totalSize")).intValue();
        assertEquals(200, seen);
        assertTrue(total >= 250, "250 seeded Contacts, more if other tests created some");
        assertEquals(Boolean.FALSE, page.get("done"));
        while (!Boolean.TRUE.equals(page.get("done"))) {
            page = map(send("GET", (String) page.get("nextRecordsUrl"), null, token));
            seen += ((List<?>) page.get("records")).size();
        }
        assertEquals(total, seen);
    }

    @Test
    void malformedSoqlIsMalformedQuery() throws Exception {
        var response = send("GET", V + "/query?q=" + enc("SELECT Id FROM Contact WHERE"), null, token);
        assertEquals(400, response.statusCode());
        assertEquals("MALFORMED_QUERY", errorCode(response));
        assertEquals("INVALID_FIELD", errorCode(send("GET", V + "/query?q=" + enc("SELECT Nope FROM Contact"), null, token)));
    }

    @Test
    void patchOptsAContactOutAndEveryResponseCarriesLimitInfo() throws Exception {
        String id = create("Contact", "{\"LastName\":\"Patch\",\"Email\":\"patch@example.com\"}");
        var patch = send("PATCH", V + "/sobjects/Contact/" + id, "{\"HasOptedOutOfEmail\":true}", token);
        assertEquals(204, patch.statusCode());
        assertTrue(patch.headers().firstValue("Sforce-Limit-Info").orElseThrow().matches("api-usage=\\d+/15000"));
        Map<String, Object> record = map(send("GET", V + "/sobjects/Contact/" + id, null, token));
        assertEquals(Boolean.TRUE, record.get("HasOptedOutOfEmail"));
    }

    @Test
    void fifteenCharacterIdsAddressTheSameRecord() throws Exception {
        String id = create("Lead", "{\"LastName\":\"Short\",\"Company\":\"Acme\"}");
        var response = send("GET", V + "/sobjects/Lead/" + id.substring(0, 15), null, token);
        assertEquals(200, response.statusCode());
        assertEquals(id, map(response).get("Id"));
    }

    @Test
    void collectionsUpdateReportsPerRecordResultsInOrderForMixedTypes() throws Exception {
        String contact = create("Contact", "{\"LastName\":\"One\"}");
        String lead = create("Lead", "{\"LastName\":\"Two\",\"Company\":\"Acme\"}");
        String deleted = create("Contact", "{\"LastName\":\"Gone\"}");
        assertEquals(204, send("DELETE", V + "/sobjects/Contact/" + deleted, null, token).statusCode());
        String body = "{\"allOrNone\":false,\"records\":["
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + contact + "\",\"HasOptedOutOfEmail\":true},"
                + "{\"attributes\":{\"type\":\"Lead\"},\"id\":\"" + lead + "\",\"HasOptedOutOfEmail\":true},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + deleted + "\",\"HasOptedOutOfEmail\":true}]}";
        var response = send("PATCH", V + "/composite/sobjects", body, token);
        assertEquals(200, response.statusCode());
        List<Map<String, Object>> results = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertEquals(Boolean.TRUE, results.get(0).get("success"));
        assertEquals(contact, results.get(0).get("id"));
        assertEquals(Boolean.TRUE, results.get(1).get("success"));
        assertEquals(Boolean.FALSE, results.get(2).get("success"));
        assertEquals("ENTITY_IS_DELETED", ((Map<?, ?>) ((List<?>) results.get(2).get("errors")).getFirst()).get("statusCode"));
        assertEquals(Boolean.TRUE, map(send("GET", V + "/sobjects/Lead/" + lead, null, token)).get("HasOptedOutOfEmail"));
    }

    @Test
    void allOrNoneRollsBackEveryRecordWhenOneFails() throws Exception {
        String contact = create("Contact", "{\"LastName\":\"Kept\"}");
        String body = "{\"allOrNone\":true,\"records\":["
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + contact + "\",\"HasOptedOutOfEmail\":true},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + contact + "\",\"NoSuchField__c\":true}]}";
        List<Map<String, Object>> results = json.readValue(send("PATCH", V + "/composite/sobjects", body, token).body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertEquals("ALL_OR_NONE_OPERATION_ROLLED_BACK", ((Map<?, ?>) ((List<?>) results.get(0).get("errors")).getFirst()).get("statusCode"));
        assertEquals("INVALID_FIELD", ((Map<?, ?>) ((List<?>) results.get(1).get("errors")).getFirst()).get("statusCode"));
        assertEquals(Boolean.FALSE, map(send("GET", V + "/sobjects/Contact/" + contact, null, token)).get("HasOptedOutOfEmail"));
    }

    @Test
    void collectionsCreateAnswersEachRecordInOrderAndAllOrNoneCreatesNothingOnAFailure() throws Exception {
        String body = "{\"allOrNone\":false,\"records\":["
                + "{\"attributes\":{\"type\":\"Contact\"},\"LastName\":\"Made\",\"Email\":\"made@example.com\"},"
                + "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"NoCompany\"},"
                + "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"Made\",\"Company\":\"Acme\"}]}";
        var response = send("POST", V + "/composite/sobjects", body, token);
        assertEquals(200, response.statusCode(), response.body());
        List<Map<String, Object>> results = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertEquals(Boolean.TRUE, results.get(0).get("success"));
        assertTrue(String.valueOf(results.get(0).get("id")).startsWith("003"));
        assertEquals("REQUIRED_FIELD_MISSING", ((Map<?, ?>) ((List<?>) results.get(1).get("errors")).getFirst()).get("statusCode"));
        assertTrue(String.valueOf(results.get(2).get("id")).startsWith("00Q"));
        Map<String, Object> made = map(send("GET", V + "/sobjects/Contact/" + results.get(0).get("id"), null, token));
        assertEquals("made@example.com", made.get("Email"));
        assertTrue(made.get("SystemModstamp") instanceof String, "SystemModstamp is set on create");

        String rolledBack = body.replace("\"allOrNone\":false", "\"allOrNone\":true").replace("made@example.com", "rolled.back@example.com");
        List<Map<String, Object>> none = json.readValue(send("POST", V + "/composite/sobjects", rolledBack, token).body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertEquals("ALL_OR_NONE_OPERATION_ROLLED_BACK", ((Map<?, ?>) ((List<?>) none.get(0).get("errors")).getFirst()).get("statusCode"));
        assertEquals(0, ((Number) map(send("GET", V + "/query?q=" + java.net.URLEncoder.encode(
                "SELECT Id FROM Contact WHERE Email = 'rolled.back@example.com'", java.nio.charset.StandardCharsets.UTF_8), null, token)).get("totalSize"))
                .intValue());
    }

    @Test
    void aQueryWithAFewHundredEmailsInItsUriIsServed() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            in.append(i == 0 ? "" : ", ").append("'someone.").append(i).append("@example.com'");
        }
        String soql = "SELECT Id FROM Contact WHERE Email IN (" + in + ") AND SystemModstamp > 2020-01-01T00:00:00Z ORDER BY SystemModstamp LIMIT 10";
        var response = send("GET", V + "/query?q=" + java.net.URLEncoder.encode(soql, java.nio.charset.StandardCharsets.UTF_8), null, token);
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void moreThanTwoHundredRecordsIsRefusedWhole() throws Exception {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            records.append(i == 0 ? "" : ",").append("{\"attributes\":{\"type\":\"Contact\"},\"id\":\"003000000000001\"}");
        }
        var response = send("PATCH", V + "/composite/sobjects", "{\"records\":[" + records + "]}", token);
        assertEquals(400, response.statusCode());
        assertEquals("EXCEEDED_ID_LIMIT", errorCode(response));
    }

    @Test
    void describeListsTheOptOutFieldsAndHonoursIfModifiedSince() throws Exception {
        var response = send("GET", V + "/sobjects/Lead/describe", null, token);
        assertEquals(200, response.statusCode());
        List<?> fields = (List<?>) map(response).get("fields");
        Map<?, ?> marketo = fields.stream().map(Map.class::cast).filter(f -> "Marketo Sales Opt Out".equals(f.get("label"))).findFirst().orElseThrow();
        assertEquals("Marketo_Sales_Opt_Out__c", marketo.get("name"));
        assertEquals("boolean", marketo.get("type"));
        assertEquals(Boolean.TRUE, marketo.get("updateable"));
        assertTrue(fields.stream().map(Map.class::cast).anyMatch(f -> "HasOptedOutOfEmail".equals(f.get("name"))));
        String lastModified = response.headers().firstValue("Last-Modified").orElseThrow();
        HttpRequest conditional = request("GET", V + "/sobjects/Lead/describe", null, token).header("If-Modified-Since", lastModified).build();
        assertEquals(304, http.send(conditional, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void unknownRecordIsNotFoundAndBadIdIsMalformed() throws Exception {
        assertEquals("NOT_FOUND", errorCode(send("GET", V + "/sobjects/Contact/003000000000999", null, token)));
        assertEquals("MALFORMED_ID", errorCode(send("GET", V + "/sobjects/Contact/xyz", null, token)));
    }

    @Test
    void limitsReportTheDailyAllowance() throws Exception {
        Map<?, ?> daily = (Map<?, ?>) map(send("GET", V + "/limits", null, token)).get("DailyApiRequests");
        assertEquals(15000, ((Number) daily.get("Max")).intValue());
        assertFalse(((Number) daily.get("Remaining")).intValue() >= 15000);
    }

    private String create(String type, String body) throws Exception {
        var response = send("POST", V + "/sobjects/" + type, body, token);
        assertEquals(201, response.statusCode(), response.body());
        return (String) map(response).get("id");
    }

    private HttpResponse<Map<String, Object>> token(String id, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + enc(id) + "&client_secret=" + enc(secret);
        HttpRequest request = HttpRequest.newBuilder(server.getURI().resolve("/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
        return new SimpleResponse(response, body);
    }

    private HttpRequest.Builder request(String method, String path, String body, String bearer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Authorization", "Bearer " + bearer)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return builder;
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer) throws IOException, InterruptedException {
        return http.send(request(method, path, body, bearer).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> map(HttpResponse<String> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }

    private String errorCode(HttpResponse<String> response) throws IOException {
        List<Map<String, Object>> errors = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        return (String) errors.getFirst().get("errorCode");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private record SimpleResponse(HttpResponse<String> raw, Map<String, Object> body) implements HttpResponse<Map<String, Object>> {
        @Override
        public int statusCode() {
            return raw.statusCode();
        }
        @Override
        public HttpRequest request() {
            return raw.request();
        }
        @Override
        public java.util.Optional<HttpResponse<Map<String, Object>>> previousResponse() {
            return java.util.Optional.empty();
        }
        @Override
        public java.net.http.HttpHeaders headers() {
            return raw.headers();
        }
        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return raw.sslSession();
        }
        @Override
        public URI uri() {
            return raw.uri();
        }
        @Override
        public HttpClient.Version version() {
            return raw.version();
        }
    }
}
