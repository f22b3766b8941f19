package dev.unsubsync.emulator.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed OAuth client exists only in the local profile; elsewhere the emulator refuses to start and names both settings. */
class MissingCredentialsTest {

    @Test
    void refusesToStartWithoutClientCredentials() {
        Exception e = assertThrows(Exception.class, () -> {
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1))) {
                server.getURL();
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("emulator.client-id"), messages.toString());
        assertTrue(messages.toString().contains("emulator.client-secret"), messages.toString());
    }
}
