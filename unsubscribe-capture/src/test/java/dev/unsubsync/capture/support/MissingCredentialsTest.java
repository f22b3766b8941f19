package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void theSigningSecretsOldNameIsStillReadAndTheNewNameWins() {
        CaptureConfiguration old = new CaptureConfiguration();
        old.setApiToken("a-token-long-enough-for-the-check-0123456789");
        old.setOneClickSecret("an-old-secret-long-enough-0123456789abcdef");
        old.requireSecrets();
        assertEquals("an-old-secret-long-enough-0123456789abcdef", old.getSigningSecret());

        CaptureConfiguration both = new CaptureConfiguration();
        both.setApiToken("a-token-long-enough-for-the-check-0123456789");
        both.setOneClickSecret("an-old-secret-long-enough-0123456789abcdef");
        both.setSigningSecret("the-new-secret-long-enough-0123456789abcdef");
        both.requireSecrets();
        assertEquals("the-new-secret-long-enough-0123456789abcdef", both.getSigningSecret());
    }

    @Test
    void aShortSigningSecretIsRefusedByItsName() {
        CaptureConfiguration config = new CaptureConfiguration();
        config.setApiToken("a-token-long-enough-for-the-check-0123456789");
        config.setSigningSecret("short");
        Exception e = assertThrows(Exception.class, config::requireSecrets);
        assertTrue(e.getMessage().contains("capture.signing-secret must be at least 32 characters"), e.getMessage());
    }

    static String rootMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
