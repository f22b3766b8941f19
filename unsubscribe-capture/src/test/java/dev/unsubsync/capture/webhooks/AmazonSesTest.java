package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Amazon SES through SNS: signature versions 1 and 2 with a certificate served for an Amazon-looking URL, the URL and
 * topic checks, stale and replayed messages, subscription confirmation only after verification, and the SES payloads
 * (complaints, list-management unsubscribes from everything or one topic).
 */
class AmazonSesTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private static final String TOPIC = "arn:aws:sns:us-west-2:123456789012:ses-events";
    private static final String CERT_URL = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PrivateKey key;
    private static X509Certificate certificate;

    private final List<URI> fetched = new ArrayList<>();
    private final List<URI> confirmed = new ArrayList<>();
    private final AmazonSes ses = new AmazonSes(Set.of(TOPIC), Duration.ofHours(1), url -> {
        fetched.add(url);
        return certificate;
    }, confirmed::add);

    /** A self-signed RSA certificate made with the JDK's keytool, standing in for SNS's signing certificate. */
    @BeforeAll
    static void certificate() throws Exception {
        Path store = Files.createTempDirectory("sns-cert").resolve("sns.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "sns",
                "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=sns.amazonaws.com", "-validity", "3650", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        key = (PrivateKey) keyStore.getKey("sns", "changeit".toCharArray());
        certificate = (X509Certificate) keyStore.getCertificate("sns");
    }

    /** An SNS message signed as SNS signs: the present keys among the type's list, as "key\nvalue\n", in that order. */
    private static ObjectNode message(String type, String version, String body, Instant sent, String messageId) throws Exception {
        ObjectNode message = JSON.createObjectNode();
        message.put("Type", type);
        message.put("MessageId", messageId);
        message.put("TopicArn", TOPIC);
        message.put("Message", body);
        message.put("Timestamp", sent.toString());
        message.put("SignatureVersion", version);
        message.put("SigningCertURL", CERT_URL);
        List<String> keys;
        if (type.equals("Notification")) {
            message.put("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TOPIC + ":1");
            keys = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
        } else {
            message.put("Token",
                    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736");
            message.put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f37");
            keys = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        }
        StringBuilder canonical = new StringBuilder();
        for (String k : keys) {
            if (message.has(k)) {
                canonical.append(k).append('\n').append(message.get(k).asText()).append('\n');
            }
        }
        Signature signer = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
        signer.initSign(key);
        signer.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
        message.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
        return message;
    }

    private Verified read(ObjectNode message, Instant now) throws Exception {
        return ses.read(new WebhookCall(JSON.writeValueAsBytes(message), name -> null, now));
    }

    private static String complaint(String... recipients) {
        StringBuilder list = new StringBuilder();
        for (String r : recipients) {
            list.append(list.isEmpty() ? "" : ",").append("{\"emailAddress\":\"").append(r).append("\"}");
        }
        return "{\"notificationType\":\"Complaint\",\"complaint\":{\"feedbackId\":\"0100015e8d8c0b60-feedback\",\"complaintSubType\":null,"
                + "\"complainedRecipients\":[" + list + "],\"timestamp\":\"2026-11-28T17:59:38.237Z\",\"userAgent\":\"Mozilla/5.0\","
                + "\"complaintFeedbackType\":\"abuse\"},\"mail\":{\"timestamp\":\"2026-11-28T17:58:00.000Z\",\"source\":\"sender@example.com\","
                + "\"messageId\":\"0100015e8d8c0b60-mail\",\"destination\":[\"" + String.join("\",\"", recipients) + "\"]}}";
    }

    private static String subscription(boolean unsubscribeAll, boolean wasAll, String topicStatus, String oldTopicStatus) {
        return "{\"eventType\":\"Subscription\",\"mail\":{\"timestamp\":\"2026-11-28T17:58:00.000Z\",\"source\":\"sender@example.com\","
                + "\"messageId\":\"EXAMPLE7c191be45\",\"destination\":[\"recipient@example.com\"]},\"subscription\":{\"contactList\":\"Newsletters\","
                + "\"timestamp\":\"2026-11-28T17:59:14.340Z\",\"source\":\"UnsubscribeHeader\",\"newTopicPreferences\":{\"unsubscribeAll\":" + unsubscribeAll
                + ",\"topicSubscriptionStatus\":[{\"topicName\":\"Weekly\",\"subscriptionStatus\":\"" + topicStatus + "\"}]},"
                + "\"oldTopicPreferences\":{\"unsubscribeAll\":" + wasAll + ",\"topicSubscriptionStatus\":[{\"topicName\":\"Weekly\",\"subscriptionStatus\":\""
                + oldTopicStatus + "\"}]}}}";
    }

    @Test
    void complaintsAreUnsubscribesUnderBothSignatureVersions() throws Exception {
        for (String version : List.of("1", "2")) {
            List<WebhookEvent> events = read(message("Notification", version, complaint("a@example.com", "b@example.com"), NOW, "m-" + version), NOW).events();
            assertEquals(List.of("a@example.com", "b@example.com"), events.stream().map(WebhookEvent::email).toList());
            assertEquals("complaint", events.getFirst().reason());
            assertNull(events.getFirst().topic());
        }
        assertEquals(URI.create(CERT_URL), fetched.getFirst());
    }

    @Test
    void listManagementUnsubscribesKeepTheirScope() throws Exception {
        WebhookEvent all = read(message("Notification", "2", subscription(true, false, "OptOut", "OptOut"), NOW, "s-1"), NOW).events().getFirst();
        assertEquals("list unsubscribeAll", all.reason());
        assertNull(all.topic(), "unsubscribeAll is from all email");

        List<WebhookEvent> topic = read(message("Notification", "2", subscription(false, false, "OptOut", "OptIn"), NOW, "s-2"), NOW).events();
        assertEquals(1, topic.size());
        assertEquals("ses:Newsletters:Weekly", topic.getFirst().topic(), "a topic opt-out is recorded for that topic only");
        assertFalse(topic.getFirst().resubscribe());

        List<WebhookEvent> back = read(message("Notification", "2", subscription(false, true, "OptIn", "OptOut"), NOW, "s-3"), NOW).events();
        assertTrue(back.stream().allMatch(WebhookEvent::resubscribe), "re-subscribes are recorded on the sales side only");
        assertEquals(List.of("list re-subscribed", "topic OptIn"), back.stream().map(WebhookEvent::reason).toList());
    }

    @Test
    void aTamperedMessageIsRefused() throws Exception {
        ObjectNode message = message("Notification", "1", complaint("a@example.com"), NOW, "t-1");
        message.put("Message", complaint("someone-else@example.com"));
        var e = assertThrows(WebhookRejected.class, () -> read(message, NOW));
        assertEquals(401, e.status());
        assertFalse(e.authenticated());
    }

    @Test
    void certificatesOnlyFromSnsHostsAndTopicsOnlyFromTheAllowList() throws Exception {
        for (String url : List.of("http://sns.us-west-2.amazonaws.com/cert.pem", "https://sns.us-west-2.amazonaws.com.evil.example/cert.pem",
                "https://evil.example/sns.us-west-2.amazonaws.com/cert.pem", "https://sns.us-west-2.amazonaws.com/cert.txt",
                "https://user@sns.us-west-2.amazonaws.com/cert.pem", "https://sns.evil-1.amazonaws.com/cert.pem",
                "https://sns.us-west-2.amazonaws.com.cn/cert.pem", "https://sns.cn-north-1.amazonaws.com/cert.pem",
                "https://sns.us-east-1.amazonaws.com/cert.pem")) {
            ObjectNode message = message("Notification", "2", complaint("a@example.com"), NOW, "u-" + url.hashCode());
            message.put("SigningCertURL", url);
            assertEquals(401, assertThrows(WebhookRejected.class, () -> read(message, NOW)).status(), url);
        }
        assertTrue(fetched.isEmpty(), "nothing fetched from a host that is not SNS, or not SNS of a real region, or of another region than the topic's");
        ObjectNode other = message("Notification", "2", complaint("a@example.com"), NOW, "u-topic");
        other.put("TopicArn", "arn:aws:sns:us-west-2:999999999999:someone-else");
        assertEquals(403, assertThrows(WebhookRejected.class, () -> read(other, NOW)).status());
    }

    @Test
    void aRegionOpenedAfterTheListIsAcceptedOnceConfigured() {
        SnsHosts hosts = new SnsHosts(Set.of("xx-future-1"));
        assertEquals(java.util.Optional.of("xx-future-1"), hosts.regionOf("sns.xx-future-1.amazonaws.com"));
        assertEquals(java.util.Optional.empty(), new SnsHosts(Set.of()).regionOf("sns.xx-future-1.amazonaws.com"));
        assertEquals(java.util.Optional.of("cn-north-1"), hosts.regionOf("sns.cn-north-1.amazonaws.com.cn"));
        assertEquals(java.util.Optional.of("us-west-2"), SnsHosts.regionOfTopic(TOPIC));
    }

    @Test
    void staleAndReplayedMessagesAreRefused() throws Exception {
        assertTrue(assertThrows(WebhookRejected.class,
                () -> read(message("Notification", "2", complaint("a@example.com"), NOW.minus(Duration.ofHours(2)), "old"), NOW))
                .getMessage().contains("older than"));
        ObjectNode message = message("Notification", "2", complaint("a@example.com"), NOW, "once");
        read(message, NOW).accepted(NOW);
        assertTrue(assertThrows(WebhookRejected.class, () -> read(message, NOW.plusSeconds(10))).getMessage().contains("replay"));
    }

    @Test
    void subscriptionIsConfirmedOnlyAfterVerification() throws Exception {
        ObjectNode forged = message("SubscriptionConfirmation", "1", "You have chosen to subscribe to the topic " + TOPIC, NOW, "c-1");
        forged.put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=forged");
        assertThrows(WebhookRejected.class, () -> read(forged, NOW));
        assertTrue(confirmed.isEmpty(), "a forged confirmation is never visited");

        ObjectNode genuine = message("SubscriptionConfirmation", "1", "You have chosen to subscribe to the topic " + TOPIC, NOW, "c-2");
        assertTrue(read(genuine, NOW).events().isEmpty());
        assertEquals(List.of(URI.create(genuine.get("SubscribeURL").asText())), confirmed);
    }

    @Test
    void aVerifiedButUnusableNotificationIsKept() throws Exception {
        var e = assertThrows(WebhookRejected.class, () -> read(message("Notification", "2", "not json at all", NOW, "bad-1"), NOW));
        assertTrue(e.authenticated(), "kept on the dead-letter topic");
        assertEquals(200, e.status());
    }
}
