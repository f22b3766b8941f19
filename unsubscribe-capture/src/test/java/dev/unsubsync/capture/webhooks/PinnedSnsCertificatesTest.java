package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

/** Pinned SNS certificates: only a file of the pinned folder, named as the URL's last segment, is ever read. */
class PinnedSnsCertificatesTest {

    @Test
    void aCertificateThatIsNotPinnedRefusesTheMessage() throws Exception {
        Path pins = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pins");
        PinnedSnsCertificates certificates = new PinnedSnsCertificates(pins);
        assertThrows(GeneralSecurityException.class,
                () -> certificates.fetch(URI.create("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-unknown.pem")));
        assertThrows(GeneralSecurityException.class,
                () -> certificates.fetch(URI.create("https://sns.us-east-1.amazonaws.com/../../etc/passwd.pem")));
        assertThrows(GeneralSecurityException.class, () -> certificates.fetch(URI.create("https://sns.us-east-1.amazonaws.com/")));
    }
}
