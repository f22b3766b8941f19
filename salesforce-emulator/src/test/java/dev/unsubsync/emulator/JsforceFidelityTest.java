package dev.unsubsync.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The emulator as seen by jsforce, a Salesforce client library we did not write ({@code src/test/js/fidelity.mjs}):
 * OAuth, CRUD, Collections, SOQL paging, describe, limits and a Bulk API 2.0 query. If a real client cannot talk to the
 * emulator, the emulator is wrong.
 */
@MicronautTest
@Property(name = "emulator.client-id", value = "jsforce")
@Property(name = "emulator.client-secret", value = "jsforce-secret")
@Property(name = "emulator.seed-contacts", value = "600")
@Property(name = "micronaut.server.port", value = "-1")
class JsforceFidelityTest {

    @Inject
    EmbeddedServer server;

    @Test
    void jsforceTalksToTheEmulatorAsToSalesforce() throws Exception {
        File scripts = new File("src/test/js");
        ProcessBuilder node = new ProcessBuilder("node", "fidelity.mjs").directory(scripts).redirectErrorStream(true);
        node.environment().put("EMULATOR_URL", server.getURL().toString());
        node.environment().put("CLIENT_ID", "jsforce");
        node.environment().put("CLIENT_SECRET", "jsforce-secret");
        Process process;
        try {
            process = node.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Node.js is needed for the fidelity suite (node on PATH); .ci/run installs it", e);
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "jsforce suite did not finish in 120 s");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("all checks passed"), output);
    }
}
