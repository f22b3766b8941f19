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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
