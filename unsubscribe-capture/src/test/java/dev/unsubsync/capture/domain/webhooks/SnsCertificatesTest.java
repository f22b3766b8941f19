package dev.unsubsync.capture.domain.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SNS signing certificates are accepted only when they chain to a trust anchor and name their host; made-up certificate
 * URLs cannot push out the real certificate or make capture download without bound. The chain is made with the JDK's
 * keytool: a CA of the test's own (the anchor), an SNS certificate it signs, one it signs for another host, and a
 * self-signed one for the right host.
 */
class SnsCertificatesTest {

    private static final URI REAL = URI.create("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-real.pem");
    private static final URI ELSEWHERE = URI.create("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-elsewhere.pem");
    private static final URI SELF_SIGNED = URI.create("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-self.pem");
    private static final Map<URI, byte[]> FILES = new HashMap<>();
    private static TrustAnchor anchor;

    private final List<URI> downloads = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);

    @BeforeAll
    static void chain() throws Exception {
        Path dir = Files.createTempDirectory("sns-chain");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Test Root CA", "-ext", "bc:c", "-validity", "3650",
                "-keystore", "ca.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        for (String[] leaf : new String[][] {{"real", "CN=sns.us-west-2.amazonaws.com"}, {"elsewhere", "CN=evil.example"}}) {
            keytool(dir, "-genkeypair", "-alias", leaf[0], "-keyalg", "RSA", "-keysize", "2048", "-dname", leaf[1], "-validity", "3650", "-keystore", leaf[0] + ".p12");
            keytool(dir, "-certreq", "-alias", leaf[0], "-keystore", leaf[0] + ".p12", "-file", leaf[0] + ".csr");
            keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", leaf[0] + ".csr", "-outfile", leaf[0] + ".pem", "-rfc", "-validity", "3650");
        }
        keytool(dir, "-genkeypair", "-alias", "self", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sns.us-west-2.amazonaws.com", "-validity", "3650",
                "-keystore", "self.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "self", "-keystore", "self.p12", "-file", "self.pem");
        FILES.put(REAL, Files.readAllBytes(dir.resolve("real.pem")));
        FILES.put(ELSEWHERE, Files.readAllBytes(dir.resolve("elsewhere.pem")));
        FILES.put(SELF_SIGNED, Files.readAllBytes(dir.resolve("self.pem")));
        KeyStore ca = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("ca.p12"))) {
            ca.load(in, "changeit".toCharArray());
        }
        anchor = new TrustAnchor((X509Certificate) ca.getCertificate("ca"), null);
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", args) + ": " + output);
    }

    private SnsCertificates certificates() {
        return new SnsCertificates(url -> {
            downloads.add(url);
            byte[] file = FILES.get(url);
            if (file == null) {
                throw new IOException(url.getHost() + " answered 404");
            }
            return file;
        }, Set.of(anchor), clock);
    }

    @Test
    void aCertificateThatChainsToAnAnchorAndNamesItsHostIsAcceptedAndKept() throws Exception {
        SnsCertificates certificates = certificates();
        assertEquals("CN=sns.us-west-2.amazonaws.com", certificates.fetch(REAL).getSubjectX500Principal().getName());
        certificates.fetch(REAL);
        assertEquals(List.of(REAL), downloads, "downloaded once, then kept");
    }

    @Test
    void aSelfSignedCertificateOrOneForAnotherHostIsRefused() {
        SnsCertificates certificates = certificates();
        GeneralSecurityException self = assertThrows(GeneralSecurityException.class, () -> certificates.fetch(SELF_SIGNED));
        assertTrue(self.getMessage().contains("does not chain to a trusted CA"), self.getMessage());
        GeneralSecurityException other = assertThrows(GeneralSecurityException.class, () -> certificates.fetch(ELSEWHERE));
        assertTrue(other.getMessage().contains("is for CN=evil.example"), other.getMessage());
        // Refused once, remembered: asking again downloads nothing.
        assertThrows(GeneralSecurityException.class, () -> certificates.fetch(SELF_SIGNED));
        assertEquals(List.of(SELF_SIGNED, ELSEWHERE), downloads);
    }

    @Test
    void madeUpUrlsNeitherPushOutTheRealCertificateNorDownloadWithoutBound() throws Exception {
        SnsCertificates certificates = certificates();
        certificates.fetch(REAL);
        int refusedForRate = 0;
        for (int i = 0; i < 200; i++) {
            URI madeUp = URI.create("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-" + i + ".pem");
            try {
                certificates.fetch(madeUp);
            } catch (IOException e) {
                refusedForRate += e.getMessage().contains("try again later") ? 1 : 0;
            }
        }
        assertEquals(SnsCertificates.DOWNLOADS_PER_MINUTE, downloads.size(), "one real download, then the rest of a minute's allowance: " + downloads.size());
        assertTrue(refusedForRate > 150, "the rest are answered 'later' (SNS retries): " + refusedForRate);
        downloads.clear();
        certificates.fetch(REAL);
        assertEquals(List.of(), downloads, "the real certificate is still kept");
    }
}
