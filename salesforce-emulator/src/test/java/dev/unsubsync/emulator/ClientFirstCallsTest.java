package dev.unsubsync.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Salesforce's other clients and its own tooling ask first, answered as a real org answers: who the token belongs
 * to, which versions and resources there are, counts, the Organization row, column metadata, describe global, a job
 * created with {@code Accept: text/csv}, and every framework-level error in Salesforce's shape.
 */
@MicronautTest
@Property(name = "emulator.client-id", value = "first-calls-client")
@Property(name = "emulator.client-secret", value = "first-calls-secret")
@Property(name = "emulator.seed-contacts", value = "30")
@Property(name = "micronaut.server.port", value = "-1")
class ClientFirstCallsTest {

    private static final String V = "/services/data/v62.0";

    @Inject
    EmbeddedServer server;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, Object> session;
    private String token;

    @BeforeEach
    void authenticate() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=first-calls-client&client_secret=first-calls-secret"))
                .build(), HttpResponse.BodyHandlers.ofString());
        session = object(answer.body());
        token = (String) session.get("access_token");
    }

    @Test
    void theTokensUserAndOrgAreKnownAtTheUserInfoEndpointAndTheIdentityUrl() throws Exception {
        HttpResponse<String> userInfo = get("/services/oauth2/userinfo", "application/json");
        assertEquals(200, userInfo.statusCode(), userInfo.body());
        Map<String, Object> info = object(userInfo.body());
        for (String field : List.of("sub", "user_id", "organization_id", "preferred_username", "name", "email", "urls")) {
            assertTrue(info.containsKey(field), field + " in " + info);
        }
        String identityUrl = (String) session.get("id");
        HttpResponse<String> identity = http.send(HttpRequest.newBuilder(URI.create(identityUrl + "?version=62.0"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, identity.statusCode(), identity.body());
        Map<String, Object> who = object(identity.body());
        assertEquals(info.get("user_id"), who.get("user_id"));
        assertEquals(info.get("organization_id"), who.get("organization_id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> urls = (Map<String, Object>) who.get("urls");
        assertEquals(server.getURL() + "/services/data/v62.0/", urls.get("rest"));
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/services/oauth2/userinfo"))
                .header("Authorization", "Bearer 00Dbogus!token").build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        HttpResponse<String> user = get(V + "/sobjects/User/" + info.get("user_id"), "application/json");
        assertEquals(200, user.statusCode(), user.body());
        assertEquals(info.get("preferred_username"), object(user.body()).get("Username"));
    }

    @Test
    void theVersionsAndTheResourcesOfAVersion() throws Exception {
        List<Map<String, Object>> versions = json.readValue(get("/services/data", "application/json").body(),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
        assertTrue(versions.stream().anyMatch(v -> "62.0".equals(v.get("version"))), String.valueOf(versions));
        HttpResponse<String> resources = get(V, "application/json");
        assertEquals(200, resources.statusCode(), resources.body());
        Map<String, Object> byName = object(resources.body());
        assertEquals(V + "/sobjects", byName.get("sobjects"));
        assertEquals(V + "/query", byName.get("query"));
    }

    @Test
    void countTheOrganizationRowAndColumnMetadata() throws Exception {
        Map<String, Object> count = object(get(V + "/query?q=" + enc("SELECT COUNT() FROM Contact WHERE Email != null"), "application/json").body());
        assertEquals(Boolean.TRUE, count.get("done"));
        assertEquals(List.of(), count.get("records"));
        assertTrue(((Number) count.get("totalSize")).intValue() >= 30, String.valueOf(count));

        HttpResponse<String> org = get(V + "/query?q=" + enc("SELECT Id, Name, IsSandbox, InstanceName, OrganizationType FROM Organization"),
                "application/json");
        assertEquals(200, org.statusCode(), org.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> row = ((List<Map<String, Object>>) object(org.body()).get("records")).getFirst();
        assertEquals(Boolean.FALSE, row.get("IsSandbox"));
        assertEquals(session.get("id").toString().split("/")[4], row.get("Id"), "the org the token names");
        HttpResponse<String> unknown = get(V + "/query?q=" + enc("SELECT Nope FROM Organization"), "application/json");
        assertEquals(400, unknown.statusCode());
        assertEquals("INVALID_FIELD", errorCode(unknown));

        Map<String, Object> columns = object(
                get(V + "/query?columns=true&q=" + enc("SELECT Id, Email, HasOptedOutOfEmail FROM Contact"), "application/json").body());
        assertEquals("Contact", columns.get("entityName"));
        assertEquals(Boolean.TRUE, columns.get("idSelected"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metadata = (List<Map<String, Object>>) columns.get("columnMetadata");
        assertEquals(List.of("Id", "Email", "HasOptedOutOfEmail"), metadata.stream().map(c -> c.get("columnName")).toList());
        assertEquals(Boolean.TRUE, metadata.get(2).get("booleanType"));
        assertFalse(columns.containsKey("records"), "column metadata, not records");
    }

    @Test
    void describeGlobalAndAnObjectsBasicInformation() throws Exception {
        Map<String, Object> global = object(get(V + "/sobjects", "application/json").body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sobjects = (List<Map<String, Object>>) global.get("sobjects");
        assertTrue(sobjects.stream().map(o -> o.get("name")).toList().containsAll(List.of("Contact", "Lead", "User", "Organization")),
                String.valueOf(sobjects));
        assertEquals(200, ((Number) global.get("maxBatchSize")).intValue());
        Map<String, Object> basic = object(get(V + "/sobjects/Lead", "application/json").body());
        @SuppressWarnings("unchecked")
        Map<String, Object> describe = (Map<String, Object>) basic.get("objectDescribe");
        assertEquals("00Q", describe.get("keyPrefix"));
        assertEquals(List.of(), basic.get("recentItems"));
    }

    @Test
    void aQueryJobAskedForWithAcceptCsvAnswersItsJobInfo() throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/jobs/query"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").header("Accept", "text/csv; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"operation\":\"query\",\"query\":\"SELECT Id FROM Contact\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("UploadComplete", object(created.body()).get("state"));
        HttpResponse<String> count = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/jobs/query"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"operation\":\"query\",\"query\":\"SELECT COUNT() FROM Contact\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, count.statusCode(), "Bulk query jobs do not aggregate");
    }

    @Test
    void frameworkErrorsComeInSalesforcesShape() throws Exception {
        HttpResponse<String> notFound = get(V + "/nowhere/at/all", "application/json");
        assertEquals(404, notFound.statusCode());
        assertEquals("NOT_FOUND", errorCode(notFound));
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/limits"))
                .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("METHOD_NOT_ALLOWED", errorCode(wrongMethod));
        HttpResponse<String> notAcceptable = get(V + "/limits", "application/xml");
        assertEquals(406, notAcceptable.statusCode(), notAcceptable.body());
        assertEquals("NOT_ACCEPTABLE", errorCode(notAcceptable));
        HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/sobjects/Contact"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("LastName=X")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, wrongType.statusCode(), wrongType.body());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", errorCode(wrongType));
        HttpResponse<String> unconvertible = get(V + "/jobs/query/750000000000000AAA/results?maxRecords=many", "text/csv");
        assertEquals(400, unconvertible.statusCode(), unconvertible.body());
        assertEquals("INVALID_FIELD", errorCode(unconvertible));
        HttpResponse<String> noBody = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + V + "/sobjects/Contact"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noBody.statusCode(), noBody.body());
        assertTrue(noBody.body().startsWith("[{"), "Salesforce's shape: " + noBody.body());
    }

    @Test
    void compositeBatchAndCompositeWithReferences() throws Exception {
        HttpResponse<String> batch = post(V + "/composite/batch", "{\"haltOnError\":true,\"batchRequests\":["
                + "{\"method\":\"GET\",\"url\":\"v62.0/limits\"},"
                + "{\"method\":\"GET\",\"url\":\"v62.0/sobjects/Contact/003000000000000AAA\"},"
                + "{\"method\":\"GET\",\"url\":\"v62.0/limits\"}]}");
        assertEquals(200, batch.statusCode(), batch.body());
        Map<String, Object> answered = object(batch.body());
        assertEquals(Boolean.TRUE, answered.get("hasErrors"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) answered.get("results");
        assertEquals(List.of(200, 404, 412), results.stream().map(r -> ((Number) r.get("statusCode")).intValue()).toList(), batch.body());

        HttpResponse<String> composite = post(V + "/composite", "{\"allOrNone\":false,\"compositeRequest\":["
                + "{\"method\":\"POST\",\"url\":\"/services/data/v62.0/sobjects/Contact\",\"referenceId\":\"newContact\","
                + "\"body\":{\"LastName\":\"Composite\",\"Email\":\"composite@example.com\"}},"
                + "{\"method\":\"GET\",\"url\":\"/services/data/v62.0/sobjects/Contact/@{newContact.id}?fields=Email\",\"referenceId\":\"readBack\"}]}");
        assertEquals(200, composite.statusCode(), composite.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> responses = (List<Map<String, Object>>) object(composite.body()).get("compositeResponse");
        assertEquals(201, ((Number) responses.get(0).get("httpStatusCode")).intValue(), composite.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> readBack = (Map<String, Object>) responses.get(1).get("body");
        assertEquals("composite@example.com", readBack.get("Email"), composite.body());

        HttpResponse<String> rollback = post(V + "/composite",
                "{\"allOrNone\":true,\"compositeRequest\":[{\"method\":\"GET\",\"url\":\"/services/data/v62.0/limits\",\"referenceId\":\"a\"}]}");
        assertEquals(400, rollback.statusCode(), "refused rather than pretended");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).header("Authorization", "Bearer " + token)
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> object(String body) throws Exception {
        return json.readValue(body, Argument.mapOf(String.class, Object.class));
    }

    private String errorCode(HttpResponse<String> response) throws Exception {
        List<Map<String, Object>> errors = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        return (String) errors.getFirst().get("errorCode");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
