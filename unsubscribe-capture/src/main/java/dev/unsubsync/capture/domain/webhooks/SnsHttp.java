package dev.unsubsync.capture.domain.webhooks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The real SNS side of {@link AmazonSes}: certificates fetched over https (and cached by URL), confirmations visited. */
public final class SnsHttp implements AmazonSes.Certificates, AmazonSes.Confirmations {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<URI, X509Certificate> cache = new ConcurrentHashMap<>();

    @Override
    public X509Certificate fetch(URI url) throws IOException, GeneralSecurityException {
        X509Certificate known = cache.get(url);
        if (known != null) {
            return known;
        }
        HttpResponse<byte[]> response = send(url);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(response.body()));
        if (cache.size() > 100) {
            cache.clear();
        }
        cache.put(url, certificate);
        return certificate;
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
