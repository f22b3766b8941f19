package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SNS signing certificates are accepted only when they chain to a trust anchor and name their host; made-up certificate
 * URLs cannot push out the real certificate or make capture download without bound. The chain is made in memory
 * (Bouncy Castle's certificate builder): a CA of the test's own (the anchor), an SNS certificate it signs, one it signs
 * for another host, and a self-signed one for the right host.
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
        KeyPair caKeys = rsa();
        X509Certificate ca = certificate("CN=Test Root CA", caKeys.getPublic(), "CN=Test Root CA", caKeys.getPrivate(), true);
        KeyPair realKeys = rsa();
        KeyPair elsewhereKeys = rsa();
        KeyPair selfKeys = rsa();
        FILES.put(REAL, pem(certificate("CN=sns.us-west-2.amazonaws.com", realKeys.getPublic(), "CN=Test Root CA", caKeys.getPrivate(), false)));
        FILES.put(ELSEWHERE, pem(certificate("CN=evil.example", elsewhereKeys.getPublic(), "CN=Test Root CA", caKeys.getPrivate(), false)));
        FILES.put(SELF_SIGNED, pem(certificate("CN=sns.us-west-2.amazonaws.com", selfKeys.getPublic(), "CN=sns.us-west-2.amazonaws.com",
                selfKeys.getPrivate(), false)));
        anchor = new TrustAnchor(ca, null);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** A certificate for {@code subject}'s key, signed by {@code issuer}'s (a CA's, with the basic constraint when {@code ca}). */
    private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey signer, boolean ca) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(3650))), new X500Name(subject), key);
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    }

    private static byte[] pem(X509Certificate certificate) throws GeneralSecurityException {
        return ("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
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
