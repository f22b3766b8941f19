package dev.unsubsync.pusher.support;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outside the local profile there are no default Salesforce credentials: the pusher refuses to start and names them. */
class MissingCredentialsTest {

    @Test
    void refusesToStartWithoutSalesforceSettingsAndNamesEach() {
        Exception e = assertThrows(Exception.class, () -> {
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1, "kafka.health.enabled", false, "kafka.bootstrap.servers", "127.0.0.1:9"))) {
                server.getURL();
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        for (String setting : new String[]{"salesforce.login-url", "salesforce.client-id", "salesforce.client-secret"}) {
            assertTrue(messages.toString().contains(setting), setting + " not named in: " + messages);
        }
    }

    @Test
    void refusesALoginUrlWithAPath() {
        Exception e = assertThrows(Exception.class, () -> {
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1, "kafka.health.enabled", false, "kafka.bootstrap.servers", "127.0.0.1:9",
                    "salesforce.login-url", "https://acme.my.salesforce.com/services/oauth2/token",
                    "salesforce.client-id", "id", "salesforce.client-secret", "secret"))) {
                server.getURL();
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("with no path"), messages.toString());
    }
}
