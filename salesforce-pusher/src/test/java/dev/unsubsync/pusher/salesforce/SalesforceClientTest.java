package dev.unsubsync.pusher.salesforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.pusher.domain.RecordUpdate;
import dev.unsubsync.pusher.domain.SaveOutcome;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.ServiceProcess;
import io.micronaut.json.JsonMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
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
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "c", "emulator.client-secret", "s"),
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

        SaveOutcome outcome = client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Lead", lead, List.of("HasOptedOutOfEmail", "Marketo_Sales_Opt_Out__c"))));

        SaveOutcome.Saved saved = assertInstanceOf(SaveOutcome.Saved.class, outcome);
        assertEquals(List.of(SaveOutcome.RecordResult.ok(), SaveOutcome.RecordResult.ok()), saved.results());
        assertEquals(Boolean.TRUE, salesforce.get("Lead", lead).get("Marketo_Sales_Opt_Out__c"));
        assertTrue(client.apiUsage().orElseThrow().used() > 0);
        assertEquals(15_000, client.apiUsage().orElseThrow().max());
    }

    @Test
    void perRecordRefusalIsAResultWithSalesforcesCodeNotAnException() throws Exception {
        String deleted = salesforce.create("Contact", Map.of("LastName", "Deleted"));
        salesforce.delete("Contact", deleted);

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", deleted, List.of("HasOptedOutOfEmail"))));

        SaveOutcome.RecordResult result = assertInstanceOf(SaveOutcome.Saved.class, outcome).results().getFirst();
        assertFalse(result.success());
        assertEquals("ENTITY_IS_DELETED", result.statusCode());
    }

    @Test
    void unknownFieldIsRefusedPerRecordWithInvalidField() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Field"));

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", contact, List.of("No_Such_Field__c"))));

        assertEquals("INVALID_FIELD", assertInstanceOf(SaveOutcome.Saved.class, outcome).results().getFirst().statusCode());
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

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        SaveOutcome.ServerError error = assertInstanceOf(SaveOutcome.ServerError.class, outcome);
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

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", refused, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Contact", fine, List.of("HasOptedOutOfEmail"))));

        List<SaveOutcome.RecordResult> results = assertInstanceOf(SaveOutcome.Saved.class, outcome).results();
        assertEquals(code, results.get(0).statusCode());
        assertTrue(results.get(1).success());
    }

    @Test
    void exhaustedDailyLimitIsRateLimited() throws Exception {
        salesforce.admin("POST", "/limits/exhaust", null);

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(SaveOutcome.RateLimited.class, outcome);
    }

    @Test
    void expiredSessionIsRenewedOnceAndTheCallGoesThrough() throws Exception {
        String contact = salesforce.create("Contact", Map.of("LastName", "Renewed"));
        SalesforceClient client = client(url, "s");
        assertInstanceOf(SaveOutcome.Saved.class, client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail")))));
        salesforce.admin("POST", "/tokens/expire", null);

        SaveOutcome outcome = client.update(List.of(new RecordUpdate("Contact", contact, List.of("HasOptedOutOfEmail"))));

        assertTrue(assertInstanceOf(SaveOutcome.Saved.class, outcome).results().getFirst().success());
    }

    @Test
    void aFreshTokenRefusedTooIsAnAuthenticationFailureNotALoop() throws Exception {
        salesforce.admin("PUT", "/tokens", "{\"ttlSeconds\":0}");

        SaveOutcome outcome = client(url, "s").update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertEquals("INVALID_SESSION_ID", assertInstanceOf(SaveOutcome.AuthFailed.class, outcome).errorCode());
    }

    @Test
    void answerSlowerThanTheRequestTimeoutIsANetworkError() throws Exception {
        salesforce.admin("PUT", "/faults", "{\"latencyMs\":3000}");
        SalesforceConfiguration config = new SalesforceConfiguration();
        config.setLoginUrl(url);
        config.setClientId("c");
        config.setClientSecret("s");
        config.setRequestTimeout(Duration.ofMillis(500));

        SaveOutcome outcome = new SalesforceClient(config, JsonMapper.createDefault())
                .update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(SaveOutcome.NetworkError.class, outcome);
    }

    @Test
    void refusedClientSecretIsAnAuthenticationFailure() {
        SaveOutcome outcome = client(url, "wrong").update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        SaveOutcome.AuthFailed failed = assertInstanceOf(SaveOutcome.AuthFailed.class, outcome);
        assertEquals("invalid_client", failed.errorCode());
    }

    @Test
    void unreachableSalesforceIsANetworkError() {
        SaveOutcome outcome = client("http://127.0.0.1:9", "s").update(List.of(new RecordUpdate("Contact", "003000000000001AAA", List.of("HasOptedOutOfEmail"))));

        assertInstanceOf(SaveOutcome.NetworkError.class, outcome);
    }
}
