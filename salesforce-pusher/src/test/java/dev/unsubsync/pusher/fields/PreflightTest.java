package dev.unsubsync.pusher.fields;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.salesforce.SalesforceConfiguration;
import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.FreePorts;
import dev.unsubsync.testsupport.ServiceProcess;
import io.micronaut.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./run preflight} against the emulator: a ready org, a field the user cannot write, refused credentials. */
class PreflightTest {

    private static ServiceProcess emulator;
    private static String url;
    private static EmulatorClient salesforce;

    @BeforeAll
    static void startEmulator() throws Exception {
        int port = FreePorts.one();
        url = "http://127.0.0.1:" + port;
        emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator", "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "preflight", "emulator.client-secret", "preflight-secret"),
                List.of("-Xmx128m"), Path.of(System.getProperty("java.io.tmpdir"), "preflight-emulator.log"), URI.create(url + "/health"),
                Duration.ofSeconds(60));
        salesforce = new EmulatorClient(url, "preflight", "preflight-secret");
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @AfterEach
    void reset() throws Exception {
        salesforce.admin("POST", "/reset", null);
    }

    @Test
    void aReadyOrgHasNothingToFix() {
        String output = run("preflight-secret");
        assertTrue(output.contains("Ready: nothing to fix."), output);
        assertTrue(output.contains("ok    Lead.ConvertedContactId readable"), output);
        assertTrue(output.contains("ok    Bulk API 2.0 query"), output);
    }

    @Test
    void aReadOnlyOptOutFieldIsNamedWithWhatToDo() throws Exception {
        salesforce.admin("PUT", "/fields/Lead/HasOptedOutOfEmail", "{\"access\":\"READ_ONLY\"}");
        String output = run("preflight-secret");
        assertTrue(output.contains("FIX   Lead.HasOptedOutOfEmail writable"), output);
        assertTrue(output.contains("1 thing(s) to fix."), output);
    }

    @Test
    void refusedCredentialsStopTheChecksWithWhereToLook() {
        String output = run("wrong-secret");
        assertTrue(output.contains("FIX   credentials accepted"), output);
        assertTrue(output.contains("SALESFORCE_LOGIN_URL"), output);
        assertFalse(output.contains("describe Contact"), output);
    }

    private static String run(String secret) {
        SalesforceConfiguration config = new SalesforceConfiguration();
        config.setLoginUrl(url);
        config.setClientId("preflight");
        config.setClientSecret(secret);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ready = new Preflight(new SalesforceClient(config, JsonMapper.createDefault()), List.of("HasOptedOutOfEmail"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ready == output.contains("Ready"), output);
        return output;
    }
}
