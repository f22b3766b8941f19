package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * SNS signing certificates pinned on disk instead of fetched: {@code <dir>/<file name of SigningCertURL>} (e.g.
 * {@code SimpleNotificationService-<id>.pem}). For deployments that may not reach {@code sns.<region>.amazonaws.com},
 * or that want to accept only certificates they downloaded and checked themselves. The URL is still held to the SNS host
 * rule by {@link AmazonSes}; an unknown file name refuses the message (401), so a rotated certificate must be added.
 */
@FrameworkFree
public final class PinnedSnsCertificates implements AmazonSes.Certificates {

    private final Path directory;

    public PinnedSnsCertificates(Path directory) {
        this.directory = directory;
    }

    @Override
    public X509Certificate fetch(URI url) throws IOException, GeneralSecurityException {
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.contains("..") || !name.endsWith(".pem")) {
            throw new GeneralSecurityException("no pinned certificate for " + url);
        }
        Path file = directory.resolve(name);
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (NoSuchFileException e) {
            throw new GeneralSecurityException("no pinned certificate " + name + " in " + directory);
        }
    }
}
