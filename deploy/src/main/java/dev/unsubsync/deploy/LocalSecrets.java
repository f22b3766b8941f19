package dev.unsubsync.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local stack's own key material, made once under the data folder and kept there: a SendGrid Event Webhook key pair
 * (the walk-through signs with its private half) and an SNS signing certificate that capture pins for Amazon SES (no SNS
 * host is reachable from here). Local only: production keys come from the providers.
 */
public final class LocalSecrets {

    /** Local-only webhook secrets of the other providers, as their consoles would show them. */
    public static final String MAILGUN_SIGNING_KEY = "local-mailgun-signing-key";
    public static final String POSTMARK_USER = "postmark";
    public static final String POSTMARK_PASSWORD = "local-postmark-password";
    public static final String MANDRILL_KEY = "local-mandrill-key";
    public static final String SPARKPOST_TOKEN = "local-sparkpost-token";
    /** The SNS topic the local Amazon SES webhook accepts, and the pinned signing certificate's file name. */
    public static final String SES_TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:local-ses-events";
    static final String SNS_CERTIFICATE = "SimpleNotificationService-local.pem";

    /** Capture's settings for every provider's webhook, with this machine's secrets. */
    Map<String, String> captureWebhooks(String captureUrl) throws IOException, InterruptedException {
        return Map.ofEntries(
                // A SendGrid Event Webhook key pair of this machine's own: the walk-through signs with the private half.
                Map.entry("capture.webhooks.sendgrid.public-key", sendGridPublicKey()),
                Map.entry("capture.webhooks.mailgun.signing-key", MAILGUN_SIGNING_KEY),
                Map.entry("capture.webhooks.postmark.username", POSTMARK_USER),
                Map.entry("capture.webhooks.postmark.password", POSTMARK_PASSWORD),
                Map.entry("capture.webhooks.mandrill.key", MANDRILL_KEY),
                // Mandrill signs the URL it posts to, exactly as configured there.
                Map.entry("capture.webhooks.mandrill.url", captureUrl + "/webhooks/mandrill"),
                Map.entry("capture.webhooks.sparkpost.token", SPARKPOST_TOKEN),
                // Amazon SES through SNS: a signing certificate of this machine's own, pinned, since no SNS host is reachable.
                Map.entry("capture.webhooks.ses.topic-arns", SES_TOPIC_ARN),
                Map.entry("capture.webhooks.ses.certificates-dir", snsCertificates().toString()));
    }

    private static final String SNS_STORE_PASSWORD = "local-sns";

    private final Path data;
    private final Path logs;

    LocalSecrets(Path data, Path logs) {
        this.data = data;
        this.logs = logs;
    }

    /**
     * The local SendGrid signing key ({@code <data>/sendgrid-webhook-key.pem}, PKCS#8 PEM, made once), as SendGrid's
     * console shows the public half: Base64 SubjectPublicKeyInfo. Sign with {@code openssl dgst -sha256 -sign} on the
     * timestamp followed by the body.
     */
    String sendGridPublicKey() throws IOException {
        Path pem = sendGridKeyFile();
        Path pub = data.resolve("sendgrid-webhook-key.pub");
        if (!Files.exists(pem) || !Files.exists(pub)) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pair.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
                Files.writeString(pub, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not make the local SendGrid signing key", e);
            }
        }
        return Files.readString(pub).trim();
    }

    /** The local SNS signing key pair (made once with the JDK's keytool) and its certificate, pinned for capture. */
    Path snsCertificates() throws IOException, InterruptedException {
        Path store = data.resolve("sns-signing.p12");
        Path certificates = data.resolve("sns-certificates");
        Path certificate = certificates.resolve(SNS_CERTIFICATE);
        if (!Files.exists(store) || !Files.exists(certificate)) {
            Files.createDirectories(certificates);
            Files.deleteIfExists(store);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            keytool(List.of(keytool, "-genkeypair", "-alias", "sns", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sns.local",
                    "-validity", "3650", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", SNS_STORE_PASSWORD, "-keypass",
                    SNS_STORE_PASSWORD));
            keytool(List.of(keytool, "-exportcert", "-rfc", "-alias", "sns", "-keystore", store.toString(), "-storepass", SNS_STORE_PASSWORD,
                    "-file", certificate.toString()));
        }
        return certificates;
    }

    private void keytool(List<String> command) throws IOException, InterruptedException {
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve("keytool.log").toFile()).start();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed; see " + logs.resolve("keytool.log"));
        }
    }

    /** The private half of the local SNS signing key, for tests that sign Amazon SES notifications. */
    public PrivateKey snsSigningKey() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(data.resolve("sns-signing.p12"))) {
            store.load(in, SNS_STORE_PASSWORD.toCharArray());
        }
        return (PrivateKey) store.getKey("sns", SNS_STORE_PASSWORD.toCharArray());
    }

    /** The private half of the local SendGrid signing key, for tests that sign webhook calls. */
    public PrivateKey sendGridSigningKey() throws IOException, GeneralSecurityException {
        String pem = Files.readString(sendGridKeyFile()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    /** Where the local SendGrid signing key is kept. */
    public Path sendGridKeyFile() {
        return data.resolve("sendgrid-webhook-key.pem");
    }

    /**
     * The local keys file: an ingest-only key, {@link LocalStack#INGEST_TOKEN}, beside the admin token every service is
     * configured with. Written afresh on every start.
     */
    Path apiKeysFile() throws IOException {
        Path file = data.resolve("api-keys.properties");
        Files.writeString(file, "# Local-only API keys (name=key scopes), written by ./run local.\nlocal-ingest=" + LocalStack.INGEST_TOKEN + " ingest\n");
        return file;
    }
}
