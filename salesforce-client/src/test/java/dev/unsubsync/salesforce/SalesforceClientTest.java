package dev.unsubsync.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.ServiceProcess;
import io.micronaut.json.JsonMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Salesforce client over real HTTP against the emulator, one test per kind of answer. */
class SalesforceClientTest {

    private static ServiceProcess emulator;
    private static String url;
    private static EmulatorClient salesforce;

    @BeforeAll
    static void startEmulator() throws Exception {
        int port = FreePorts.one();
        url = "http://127.0.0.1:" + port;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "c", "emulator.client-secret", "s", "emulator.seed-contacts",
                        "2500"),
                List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "client-test-emulator.log"),
                URI.create(url + "/health"), Duration.ofSeconds(60));
        salesforce = new EmulatorClient(url, "c", "s");
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private static SalesforceClient client(String loginUrl, String secret) {
        SalesforceConfiguration config = new SalesforceConfiguration();
        config.setLoginUrl(loginUrl);
        config.setClientId("c");
        config.setClientSecret(secret);
        config.setConnectTimeout(Duration.ofSeconds(2));
        config.setRequestTimeout(Duration.ofSeconds(5));
        return new SalesforceClient(config, JsonMapper.createDefault());
    }

    @Test
    void savedRecordsAreReportedInOrderWithApiUsage() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Saved"));
        String lead = salesforce.create("Lead", Map.of("LastName", "Saved", "Company", "Acme"));
        SalesforceClient client = client(url, "s");

        Outcome<List<RecordResult>> outcome = client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Lead", lead, List.of("HasOptedOutOfEmail", "Marketo_Sales_Opt_Out__c"))));

        assertEquals(List.of(RecordResult.saved(), RecordResult.saved()), saved(outcome));
        assertEquals(Boolean.TRUE, salesforce.get("Lead", lead).get("Marketo_Sales_Opt_Out__c"));
        assertTrue(client.apiUsage().orElseThrow().used() > 0);
        assertEquals(15_000, client.apiUsage().orElseThrow().max());
    }

    @Test
    void perRecordRefusalIsAResultWithSalesforcesCodeNotAnException() throws Exception {
        String deleted = salesforce.create("Contact", Map.of("LastName", "Deleted"));
        salesforce.delete("Contact", deleted);

        Outcome<List<RecordResult>> outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", deleted, List.of("HasOptedOutOfEmail"))));

        RecordResult result = saved(outcome).getFirst();
        assertFalse(result.success());
        assertEquals("ENTITY_IS_DELETED", result.statusCode());
    }

    @Test
    void unknownFieldIsRefusedPerRecordWithInvalidField() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Field"));

        Outcome<List<RecordResult>> outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", contact, List.of("No_Such_Field__c"))));

        assertEquals("INVALID_FIELD", saved(outcome).getFirst().statusCode());
    }

    @AfterEach
    void clearFaults() throws Exception {
        salesforce.admin("DELETE", "/faults", null);
        salesforce.admin("POST", "/limits/reset", null);
        salesforce.admin("PUT", "/tokens", "{\"ttlSeconds\":7200}");
    }

    @ParameterizedTest
    @ValueSource(ints = {503, 500})
    void salesforceServerErrorIsAServerErrorOutcome(int status) throws Exception {
        salesforce.admin("PUT", "/faults", "{\"failShare\":1.0,\"failStatus\":" + status + "}");

        Outcome<List<RecordResult>> outcome = client(url, "s")
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        Outcome.ServerError<?> error = assertInstanceOf(Outcome.ServerError.class, outcome);
        assertEquals(status, error.status());
        assertEquals(status == 503 ? "SERVER_UNAVAILABLE" : "UNKNOWN_EXCEPTION", error.errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"UNABLE_TO_LOCK_ROW", "ENTITY_IS_DELETED", "CANNOT_UPDATE_CONVERTED_LEAD",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION", "INSUFFICIENT_ACCESS_OR_READONLY"})
    void everyPerRecordCodeComesBackAsThatRecordsResult(String code) throws Exception {
        String refused = salesforce.create("Contact", Map.of("LastName", "Refused"));
        String fine = salesforce.create("Contact", Map.of("LastName", "Fine"));
        salesforce.admin("PUT", "/faults", "{\"recordFailures\":[{\"statusCode\":\"" + code + "\",\"ids\":[\"" + refused + "\"]}]}");

        Outcome<List<RecordResult>> outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", refused, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Contact", fine, List.of("HasOptedOutOfEmail"))));

        List<RecordResult> results = saved(outcome);
        assertEquals(code, results.get(0).statusCode());
        assertTrue(results.get(1).success());
    }

    @Test
    void exhaustedDailyLimitIsRateLimited() throws Exception {
        salesforce.admin("POST", "/limits/exhaust", null);

        Outcome<List<RecordResult>> outcome = client(url, "s")
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(Outcome.RateLimited.class, outcome);
    }

    @Test
    void expiredSessionIsRenewedOnceAndTheCallGoesThrough() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Renewed"));
        SalesforceClient client = client(url, "s");
        saved(client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail")))));
        salesforce.admin("POST", "/tokens/expire", null);

        Outcome<List<RecordResult>> outcome = client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail"))));

        assertTrue(saved(outcome).getFirst().success());
    }

    @Test
    void aFreshTokenRefusedTooIsAnAuthenticationFailureNotALoop() throws Exception {
        salesforce.admin("PUT", "/tokens", "{\"ttlSeconds\":0}");

        Outcome<List<RecordResult>> outcome = client(url, "s")
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertEquals("INVALID_SESSION_ID", assertInstanceOf(Outcome.AuthFailed.class, outcome).errorCode());
    }

    @Test
    void answerSlowerThanTheRequestTimeoutIsANetworkError() throws Exception {
        salesforce.admin("PUT", "/faults", "{\"latencyMs\":3000}");
        SalesforceConfiguration config = new SalesforceConfiguration();
        config.setLoginUrl(url);
        config.setClientId("c");
        config.setClientSecret("s");
        config.setRequestTimeout(Duration.ofMillis(500));

        Outcome<List<RecordResult>> outcome = new SalesforceClient(config, JsonMapper.createDefault())
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(Outcome.NetworkError.class, outcome);
    }

    @Test
    void lockedRowIsRetryableAndDeletedRecordIsPermanent() throws Exception {
        String locked = salesforce.create("Contact", Map.of("LastName", "Locked"));
        String deleted = salesforce.create("Contact", Map.of("LastName", "Deleted"));
        salesforce.delete("Contact", deleted);
        salesforce.admin("PUT", "/faults", "{\"recordFailures\":[{\"statusCode\":\"UNABLE_TO_LOCK_ROW\",\"ids\":[\"" + locked + "\"]}]}");

        List<RecordResult> results = saved(client(url, "s").update(List.of(new RecordUpdate("Contact", locked, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Contact", deleted, List.of("HasOptedOutOfEmail")))));

        assertInstanceOf(RecordResult.Retryable.class, results.get(0));
        assertInstanceOf(RecordResult.Permanent.class, results.get(1));
    }

    @Test
    void describeFindsTheOptOutFieldsByNameAndLabelAndIsServedFromCacheWhenUnchanged() {
        SalesforceClient client = client(url, "s");
        Describe first = ok(client.describe("Lead"));
        assertTrue(first.field("HasOptedOutOfEmail").orElseThrow().updateable());
        assertEquals("Marketo_Sales_Opt_Out__c", first.fieldLabelled("Marketo Sales Opt Out").orElseThrow().name());
        assertEquals(first, ok(client.describe("Lead")));
    }

    @Test
    void describeOfAnUnknownObjectIsARejectedRequest() {
        assertInstanceOf(Outcome.RequestRejected.class, client(url, "s").describe("Opportunity"));
    }

    @Test
    void limitsReportTheDailyAllowance() {
        SalesforceClient.Limits limits = ok(client(url, "s").limits());
        assertEquals(15_000, limits.dailyApiRequestsMax());
        assertTrue(limits.dailyApiRequestsRemaining() < 15_000);
    }

    @Test
    void queryFollowsEveryPageAndQueryAllAlsoSeesDeletedRecords() throws Exception {
        String deleted = salesforce.create("Contact", Map.of("LastName", "QueryAll", "Email", "queryall@example.com"));
        salesforce.delete("Contact", deleted);
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        long count = ok(client(url, "s").query("SELECT Id, Email FROM Contact", false, rows::add));
        assertTrue(count >= 2500, "seeded 2,500 Contacts, got " + count);
        assertEquals(count, rows.size());
        assertTrue(rows.stream().noneMatch(r -> deleted.equals(r.get("Id"))));

        List<Map<String, Object>> all = new java.util.ArrayList<>();
        ok(client(url, "s").query("SELECT Id, IsDeleted FROM Contact WHERE Email = 'queryall@example.com'", true, all::add));
        assertEquals(Boolean.TRUE, all.getFirst().get("IsDeleted"));
    }

    @Test
    void bulkQueryStreamsEveryRowAcrossPages() {
        List<Map<String, String>> rows = new java.util.ArrayList<>();
        long count = ok(client(url, "s").bulkQuery("SELECT Id, Email, HasOptedOutOfEmail FROM Contact", 1000, rows::add));
        assertTrue(count >= 2500, "rows " + count);
        assertEquals(count, rows.size());
        assertTrue(rows.getFirst().get("Id").startsWith("003"));
        assertTrue(List.of("true", "false").contains(rows.getFirst().get("HasOptedOutOfEmail")));
    }

    @Test
    void bulkUpdateWritesThroughAnIngestJobAndReportsEachRecord() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Bulk"));
        String deleted = salesforce.create("Contact", Map.of("LastName", "BulkDeleted"));
        salesforce.delete("Contact", deleted);

        SalesforceClient.IngestResult result = ok(client(url, "s").bulkUpdate("Contact", List.of(
                new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Contact", deleted, List.of("HasOptedOutOfEmail")))));

        assertTrue(result.results().get(contact).success());
        assertEquals("ENTITY_IS_DELETED", result.results().get(deleted).statusCode());
        assertEquals(Boolean.TRUE, salesforce.get("Contact", contact).get("HasOptedOutOfEmail"));
    }

    @Test
    void recordsAreCreatedReadUpdatedAndDeletedOneByOne() {
        SalesforceClient client = client(url, "s");
        String id = ok(client.create("Contact", Map.of("LastName", "Crud", "Email", "crud@example.com")));
        assertEquals(18, id.length());
        assertEquals("crud@example.com", ok(client.get("Contact", id, List.of("Email", "HasOptedOutOfEmail"))).get("Email"));
        ok(client.update(new RecordUpdate("Contact", id, List.of("HasOptedOutOfEmail"))));
        assertEquals(Boolean.TRUE, ok(client.get("Contact", id, List.of())).get("HasOptedOutOfEmail"));
        ok(client.delete("Contact", id));

        Outcome.RequestRejected<?> gone = assertInstanceOf(Outcome.RequestRejected.class,
                client.update(new RecordUpdate("Contact", id, List.of("HasOptedOutOfEmail"))));
        assertEquals(404, gone.status());
        assertEquals("ENTITY_IS_DELETED", gone.errorCode());
    }

    @Test
    void droppedConnectionIsANetworkError() throws Exception {
        SalesforceClient client = client(url, "s");
        ok(client.limits());
        salesforce.admin("PUT", "/faults", "{\"dropShare\":1.0}");

        assertInstanceOf(Outcome.NetworkError.class, client.limits());
    }

    @Test
    void refusedClientSecretIsAnAuthenticationFailure() {
        Outcome<List<RecordResult>> outcome = client(url, "wrong")
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        Outcome.AuthFailed<?> failed = assertInstanceOf(Outcome.AuthFailed.class, outcome);
        assertEquals("invalid_client", failed.errorCode());
    }

    @Test
    void unreachableSalesforceIsANetworkError() {
        Outcome<List<RecordResult>> outcome = client("http://127.0.0.1:9", "s")
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(Outcome.NetworkError.class, outcome);
    }

    static <T> T ok(Outcome<T> outcome) {
        if (outcome instanceof Outcome.Ok<T>(T value)) {
            return value;
        }
        throw new AssertionError("expected the request to go through, got " + outcome);
    }

    /** The per-record results of an update that went through; fails the test with the outcome otherwise. */
    static List<RecordResult> saved(Outcome<List<RecordResult>> outcome) {
        if (outcome instanceof Outcome.Ok<List<RecordResult>>(List<RecordResult> results)) {
            return results;
        }
        throw new AssertionError("expected the update to go through, got " + outcome);
    }
}
