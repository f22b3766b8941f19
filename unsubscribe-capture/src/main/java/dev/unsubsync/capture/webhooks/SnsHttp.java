package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;

/**
 * The real SNS side of {@link AmazonSes}: certificates downloaded over https and accepted by {@link SnsCertificates}
 * (chained to the JDK's CA certificates, subject checked, bounded caches), confirmations visited.
 */
@FrameworkFree
public final class SnsHttp implements AmazonSes.Certificates, AmazonSes.Confirmations {

    static {
        // Lets the JDK's path builder fetch an intermediate the certificate file leaves out, from the certificate's own
        // Authority Information Access (SNS files hold the signing certificate alone).
        System.setProperty("com.sun.security.enableAIAcaIssuers", "true");
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final SnsCertificates certificates = new SnsCertificates(url -> send(url).body(), SnsCertificates.jdkAnchors(), Clock.systemUTC());

    @Override
    public X509Certificate fetch(URI url) throws IOException, GeneralSecurityException {
        return certificates.fetch(url);
    }

    @Override
    public void confirm(URI subscribeUrl) throws IOException {
        send(subscribeUrl);
    }

    private HttpResponse<byte[]> send(URI url) throws IOException {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException(url.getHost() + " answered " + response.statusCode());
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
