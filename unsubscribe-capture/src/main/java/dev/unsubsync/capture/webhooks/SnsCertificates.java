package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * SNS signing certificates as downloaded from their (already host-checked) URL, accepted only when the certificate
 * chains to a trust anchor (the JDK's CA certificates by default; intermediates from the file itself or, for the JDK's
 * builder, from the certificate's Authority Information Access) and names the host it came from in its subject (CN or
 * DNS name). Revocation is not checked (no OCSP or CRL is assumed reachable).
 *
 * <p>What an attacker can make it do is bounded: accepted certificates are kept (at most {@value #KEPT}, a day each); a
 * URL that failed is not downloaded again for five minutes (at most {@value #REMEMBERED_FAILURES} remembered); and at most
 * {@value #DOWNLOADS_PER_MINUTE} downloads a minute are made in all, beyond which the message is answered 503 (SNS sends it
 * again) — so a stream of made-up certificate URLs can neither push out the real certificate nor turn capture into a
 * downloader.
 */
@FrameworkFree
public final class SnsCertificates implements AmazonSes.Certificates {

    /** Downloads the bytes at an https URL. */
    public interface Download {
        byte[] get(URI url) throws IOException;
    }

    static final int KEPT = 16;
    static final int REMEMBERED_FAILURES = 256;
    static final int DOWNLOADS_PER_MINUTE = 10;
    private static final Duration KEEP = Duration.ofDays(1);
    private static final Duration FAILURE_MEMORY = Duration.ofMinutes(5);

    private record Kept(X509Certificate certificate, Instant until) {
    }

    private record Failed(String why, Instant until) {
    }

    private final Download download;
    private final Set<TrustAnchor> anchors;
    private final Clock clock;
    private final Map<URI, Kept> kept = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<URI, Failed> failed = new LinkedHashMap<>(16, 0.75f, true);
    private final List<Instant> downloads = new ArrayList<>();

    public SnsCertificates(Download download, Set<TrustAnchor> anchors, Clock clock) {
        this.download = download;
        this.anchors = Set.copyOf(anchors);
        this.clock = clock;
    }

    /** The JDK's trusted CA certificates, as trust anchors. */
    public static Set<TrustAnchor> jdkAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's CA certificates cannot be read", e);
        }
    }

    @Override
    public X509Certificate fetch(URI url) throws IOException, GeneralSecurityException {
        Instant now = clock.instant();
        synchronized (this) {
            Kept known = kept.get(url);
            if (known != null && known.until().isAfter(now)) {
                return known.certificate();
            }
            Failed before = failed.get(url);
            if (before != null && before.until().isAfter(now)) {
                throw new GeneralSecurityException(before.why() + " (remembered; not downloaded again before " + before.until() + ")");
            }
            downloads.removeIf(at -> at.isBefore(now.minus(Duration.ofMinutes(1))));
            if (downloads.size() >= DOWNLOADS_PER_MINUTE) {
                throw new IOException("more than " + DOWNLOADS_PER_MINUTE + " certificate downloads in the last minute; try again later");
            }
            downloads.add(now);
        }
        X509Certificate accepted;
        try {
            accepted = accept(url, download.get(url));
        } catch (GeneralSecurityException e) {
            remember(url, new Failed(e.getMessage(), now.plus(FAILURE_MEMORY)));
            throw e;
        } catch (IOException e) {
            // Not the certificate's fault, perhaps: remembered too, so made-up URLs cost one download each.
            remember(url, new Failed("download failed: " + e.getMessage(), now.plus(FAILURE_MEMORY)));
            throw e;
        }
        synchronized (this) {
            kept.put(url, new Kept(accepted, now.plus(KEEP)));
            while (kept.size() > KEPT) {
                kept.remove(kept.keySet().iterator().next());
            }
        }
        return accepted;
    }

    private synchronized void remember(URI url, Failed failure) {
        failed.put(url, failure);
        while (failed.size() > REMEMBERED_FAILURES) {
            failed.remove(failed.keySet().iterator().next());
        }
    }

    private X509Certificate accept(URI url, byte[] pem) throws GeneralSecurityException {
        Collection<? extends Certificate> found = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        if (found.isEmpty() || !(found.iterator().next() instanceof X509Certificate leaf)) {
            throw new GeneralSecurityException("no X.509 certificate at " + url);
        }
        leaf.checkValidity(Date.from(clock.instant()));
        if (!names(leaf, url.getHost())) {
            throw new GeneralSecurityException("the certificate at " + url + " is for " + leaf.getSubjectX500Principal().getName() + ", not " + url.getHost());
        }
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(leaf);
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(clock.instant()));
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(found)));
        try {
            CertPathBuilder.getInstance("PKIX").build(parameters);
        } catch (CertPathBuilderException e) {
            throw new GeneralSecurityException("the certificate at " + url + " does not chain to a trusted CA: " + e.getMessage(), e);
        }
        return leaf;
    }

    /** Whether the certificate's subject CN, or one of its DNS names, is {@code host}. */
    static boolean names(X509Certificate certificate, String host) throws GeneralSecurityException {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && host.equalsIgnoreCase(String.valueOf(rdn.getValue()))) {
                    return true;
                }
            }
        } catch (InvalidNameException e) {
            return false;
        }
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> name : alternatives) {
                if (Integer.valueOf(2).equals(name.get(0)) && host.equalsIgnoreCase(String.valueOf(name.get(1)))) {
                    return true;
                }
            }
        }
        return false;
    }
}
