package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon SES notifications delivered by SNS over HTTPS. Every message is verified before anything else: the SNS
 * signature (version 1 SHA1withRSA, version 2 SHA256withRSA) over the canonical {@code key\nvalue\n} lines of the
 * message, with the certificate from {@code SigningCertURL}, which must be https, end in {@code .pem} and sit on a
 * {@code sns.<region>.amazonaws.com} host; the {@code TopicArn} must be on the allow-list; the message may be at most
 * {@code maxAge} old, and a {@code MessageId} is accepted once within it. A {@code SubscriptionConfirmation} is
 * confirmed (its {@code SubscribeURL}, held to the same host rule, is fetched) only after all that. SES complaints are
 * unsubscribes; list-management subscription events are unsubscribes from all email ({@code unsubscribeAll}) or from one
 * topic ({@code OptOut}, recorded with the topic), and their reverse re-subscribes (recorded on the sales side only).
 */
@FrameworkFree
public final class AmazonSes implements WebhookProvider {

    private static final Logger LOG = LoggerFactory.getLogger(AmazonSes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fetches the certificate at a (checked) SNS certificate URL. */
    public interface Certificates {
        X509Certificate fetch(URI url) throws IOException, GeneralSecurityException;
    }

    /** Visits a (checked) SNS subscription confirmation URL. */
    public interface Confirmations {
        void confirm(URI subscribeUrl) throws IOException;
    }

    private final Set<String> topicArns;
    private final Duration maxAge;
    private final Certificates certificates;
    private final Confirmations confirmations;
    private final ReplayGuard replays;
    private final SnsHosts hosts;

    /**
     * @param topicArns the SNS topics whose messages are accepted
     * @param maxAge    how old a message may be (SNS retries for a while: default an hour)
     */
    public AmazonSes(Set<String> topicArns, Duration maxAge, Certificates certificates, Confirmations confirmations) {
        this(topicArns, maxAge, certificates, confirmations, new SnsHosts(Set.of()));
    }

    /** @param hosts the SNS hosts (regions) certificates and confirmations may come from */
    public AmazonSes(Set<String> topicArns, Duration maxAge, Certificates certificates, Confirmations confirmations, SnsHosts hosts) {
        this.hosts = hosts;
        this.topicArns = Set.copyOf(topicArns);
        this.maxAge = maxAge;
        this.certificates = certificates;
        this.confirmations = confirmations;
        this.replays = new ReplayGuard(maxAge.multipliedBy(2));
    }

    @Override
    public String name() {
        return "ses";
    }

    @Override
    public int stopCode() {
        // SNS retries anything but 2xx by its delivery policy: a payload kept on the dead-letter topic is acknowledged.
        return 200;
    }

    @Override
    public Verified read(WebhookCall call) {
        JsonNode message;
        try {
            message = JSON.readTree(call.body());
        } catch (IOException e) {
            throw new WebhookRejected(401, "body is not an SNS message (not JSON), so it cannot be verified", false);
        }
        if (!message.isObject()) {
            throw new WebhookRejected(401, "body is not an SNS message", false);
        }
        String type = text(message, "Type");
        String topic = text(message, "TopicArn");
        if (topic == null || !topicArns.contains(topic)) {
            throw new WebhookRejected(403, "TopicArn " + topic + " is not on capture.webhooks.ses.topic-arns", false);
        }
        verifySignature(message, type, topic);
        Instant sent = timestamp(message);
        if (Duration.between(sent, call.now()).abs().compareTo(maxAge) > 0) {
            throw new WebhookRejected(401, "message Timestamp " + sent + " is older than " + maxAge, false);
        }
        String messageId = text(message, "MessageId");
        if (replays.used(messageId, call.now())) {
            throw new WebhookRejected(401, "MessageId " + messageId + " was already received: a replay", false);
        }
        switch (type) {
            case "SubscriptionConfirmation" -> {
                URI subscribe = snsUrl(text(message, "SubscribeURL"), "SubscribeURL", false);
                if (!hosts.regionOf(subscribe.getHost()).equals(SnsHosts.regionOfTopic(topic))) {
                    throw new WebhookRejected(401, "SubscribeURL is not in the region of TopicArn " + topic, false);
                }
                try {
                    confirmations.confirm(subscribe);
                } catch (IOException e) {
                    // Not confirmed: answer 503 so SNS sends the confirmation again.
                    throw new WebhookRejected(503, "could not confirm the subscription at " + subscribe.getHost() + ": " + e.getMessage(), false);
                }
                LOG.info("Confirmed the SNS subscription to {}", topic);
                return new Verified(List.of(), replays, messageId);
            }
            case "Notification" -> {
                return new Verified(events(text(message, "Message"), messageId), replays, messageId);
            }
            default -> {
                // UnsubscribeConfirmation and anything newer: verified, nothing to record.
                return new Verified(List.of(), replays, messageId);
            }
        }
    }

    private void verifySignature(JsonNode message, String type, String topic) {
        String version = text(message, "SignatureVersion");
        String algorithm = "1".equals(version) ? "SHA1withRSA" : "2".equals(version) ? "SHA256withRSA" : null;
        if (algorithm == null) {
            throw new WebhookRejected(401, "SignatureVersion must be 1 or 2, was " + version, false);
        }
        if (type == null) {
            throw new WebhookRejected(401, "Type is missing", false);
        }
        URI certificateUrl = snsUrl(text(message, "SigningCertURL"), "SigningCertURL", true);
        // SNS signs with the certificate of the topic's own region: another region's certificate is not its signature.
        String region = hosts.regionOf(certificateUrl.getHost()).orElseThrow();
        if (!SnsHosts.regionOfTopic(topic).map(region::equals).orElse(false)) {
            throw new WebhookRejected(401, "SigningCertURL is in " + region + " but TopicArn " + topic + " is not", false);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(String.valueOf(text(message, "Signature")));
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(401, "Signature is not Base64", false);
        }
        List<String> keys = type.equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder canonical = new StringBuilder();
        for (String key : keys) {
            String value = text(message, key);
            if (value != null) {
                canonical.append(key).append('\n').append(value).append('\n');
            }
        }
        try {
            X509Certificate certificate = certificates.fetch(certificateUrl);
            certificate.checkValidity();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw new WebhookRejected(401, "SNS signature does not match", false);
            }
        } catch (SignatureException e) {
            throw new WebhookRejected(401, "SNS signature does not match", false);
        } catch (IOException e) {
            throw new WebhookRejected(503, "could not fetch the SNS signing certificate: " + e.getMessage(), false);
        } catch (GeneralSecurityException e) {
            throw new WebhookRejected(401, "SNS signing certificate unusable: " + e.getMessage(), false);
        }
    }

    /** An https URL on an SNS host of a real region; a certificate URL must also end in {@code .pem}. */
    URI snsUrl(String value, String field, boolean certificate) {
        if (value == null) {
            throw new WebhookRejected(401, field + " is missing", false);
        }
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw new WebhookRejected(401, field + " is not a URL", false);
        }
        if (!"https".equals(url.getScheme()) || hosts.regionOf(url.getHost()).isEmpty()
                || url.getUserInfo() != null || url.getPort() != -1 && url.getPort() != 443
                || certificate && (url.getPath() == null || !url.getPath().endsWith(".pem"))) {
            throw new WebhookRejected(401, field + " must be an https URL on sns.<region>.amazonaws.com for a real region"
                    + (certificate ? " ending in .pem" : "") + ", was " + value, false);
        }
        return url;
    }

    private List<WebhookEvent> events(String body, String messageId) {
        JsonNode notification;
        try {
            notification = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new WebhookRejected(stopCode(), "Message is not a JSON SES notification: " + e.getMessage(), true);
        }
        String kind = notification.path("notificationType").asText(notification.path("eventType").asText(""));
        List<WebhookEvent> found = new ArrayList<>();
        switch (kind) {
            case "Complaint" -> {
                JsonNode complaint = notification.path("complaint");
                Instant at = instantOrNull(complaint.path("timestamp").asText(null));
                for (JsonNode recipient : complaint.path("complainedRecipients")) {
                    String email = recipient.path("emailAddress").asText("");
                    if (email.isEmpty()) {
                        throw new WebhookRejected(stopCode(), "a complained recipient has no emailAddress", true);
                    }
                    // One id per recipient: a complaint names several people.
                    found.add(new WebhookEvent(false, email, at, complaint.path("feedbackId").asText(messageId) + ":" + email, "complaint"));
                }
            }
            case "Subscription" -> {
                JsonNode subscription = notification.path("subscription");
                Instant at = instantOrNull(subscription.path("timestamp").asText(null));
                String list = subscription.path("contactList").asText("");
                JsonNode now = subscription.path("newTopicPreferences");
                JsonNode before = subscription.path("oldTopicPreferences");
                for (JsonNode destination : notification.path("mail").path("destination")) {
                    String email = destination.asText("");
                    if (email.isEmpty()) {
                        continue;
                    }
                    boolean all = now.path("unsubscribeAll").asBoolean(false);
                    if (all) {
                        found.add(new WebhookEvent(false, email, at, messageId + ":" + email, "list unsubscribeAll"));
                    } else if (before.path("unsubscribeAll").asBoolean(false)) {
                        found.add(new WebhookEvent(true, email, at, messageId + ":" + email, "list re-subscribed"));
                    }
                    for (JsonNode topic : now.path("topicSubscriptionStatus")) {
                        String status = topic.path("subscriptionStatus").asText("");
                        String scope = "ses:" + list + ":" + topic.path("topicName").asText("");
                        if (status.equals("OptOut") && !all) {
                            found.add(new WebhookEvent(false, email, at, messageId + ":" + email + ":" + scope, "topic OptOut", scope));
                        } else if (status.equals("OptIn") && wasOptedOut(before, topic.path("topicName").asText(""))) {
                            found.add(new WebhookEvent(true, email, at, messageId + ":" + email + ":" + scope, "topic OptIn", scope));
                        }
                    }
                }
                if (found.isEmpty() && !notification.path("mail").path("destination").elements().hasNext()) {
                    throw new WebhookRejected(stopCode(), "a Subscription event without mail.destination", true);
                }
            }
            default -> {
                // Deliveries, bounces, opens...: not unsubscribes.
            }
        }
        return found;
    }

    private static boolean wasOptedOut(JsonNode before, String topicName) {
        for (JsonNode topic : before.path("topicSubscriptionStatus")) {
            if (topicName.equals(topic.path("topicName").asText()) && "OptOut".equals(topic.path("subscriptionStatus").asText())) {
                return true;
            }
        }
        return false;
    }

    private Instant timestamp(JsonNode message) {
        String value = text(message, "Timestamp");
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new WebhookRejected(401, "Timestamp is not an ISO-8601 instant: " + value, false);
        }
    }

    private Instant instantOrNull(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new WebhookRejected(stopCode(), "timestamp is not an ISO-8601 instant: " + value, true);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
