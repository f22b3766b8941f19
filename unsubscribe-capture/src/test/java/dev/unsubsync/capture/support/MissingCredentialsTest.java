package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outside the local profile there is no default token: capture refuses to start and says which setting is missing. */
class MissingCredentialsTest {

    @Test
    void refusesToStartWithoutAnApiTokenAndNamesTheSetting() {
        Exception e = assertThrows(Exception.class, () -> {
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1, "kafka.health.enabled", false, "kafka.bootstrap.servers", "127.0.0.1:9"))) {
                server.getURL();
            }
        });
        String message = rootMessages(e);
        assertTrue(message.contains("capture.api-token"), message);
    }

    static String rootMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
