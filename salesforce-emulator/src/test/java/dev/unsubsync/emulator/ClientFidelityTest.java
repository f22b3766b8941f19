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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The emulator as seen by Salesforce clients we did not write: jsforce ({@code src/test/js/fidelity.mjs}: OAuth, who the
 * token is, versions and resources, CRUD, Collections, SOQL paging, COUNT() and Organization, describe global, limits,
 * composite, a Bulk API 2.0 query, error shapes) and nforce ({@code fidelity-nforce.mjs}, its own HTTP layer: identity,
 * resources, describe, CRUD, SOQL, queryAll, errors). If a real client cannot talk to the emulator, the emulator is wrong.
 */
@MicronautTest
@Property(name = "emulator.client-id", value = "jsforce")
@Property(name = "emulator.client-secret", value = "jsforce-secret")
@Property(name = "emulator.seed-contacts", value = "600")
@Property(name = "micronaut.server.port", value = "-1")
class ClientFidelityTest {

    @Inject
    EmbeddedServer server;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fidelity.mjs", "fidelity-nforce.mjs"})
    void aClientWeDidNotWriteTalksToTheEmulatorAsToSalesforce(String script) throws Exception {
        File scripts = new File("src/test/js");
        ProcessBuilder node = new ProcessBuilder("node", script).directory(scripts).redirectErrorStream(true);
        node.environment().put("EMULATOR_URL", server.getURL().toString());
        node.environment().put("CLIENT_ID", "jsforce");
        node.environment().put("CLIENT_SECRET", "jsforce-secret");
        Process process;
        try {
            process = node.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Node.js is needed for the fidelity suite (node on PATH); .ci/run installs it", e);
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), script + " did not finish in 120 s");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("all checks passed"), output);
    }
}
