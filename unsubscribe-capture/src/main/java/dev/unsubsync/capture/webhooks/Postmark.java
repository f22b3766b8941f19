package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;

/**
 * Postmark webhooks, authenticated with HTTP basic auth (Postmark does not sign). {@code SubscriptionChange} with
 * {@code SuppressSending: true} is an unsubscribe, with {@code false} a reactivation (recorded on the sales side only);
 * {@code SpamComplaint} is an unsubscribe; other record types are acknowledged and ignored. Input that will never be
 * valid answers 403, which stops Postmark's retries.
 */
@FrameworkFree
public final class Postmark implements WebhookProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] expectedAuthorization;

    public Postmark(String username, String password) {
        this.expectedAuthorization = ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "postmark";
    }

    @Override
    public int stopCode() {
        return 403;
    }

    @Override
    public Verified read(WebhookCall call) {
        return Verified.of(read(call.header().apply("Authorization"), call.body()));
    }

    /**
     * Verifies and reads one call.
     *
     * @throws WebhookRejected 401 for wrong credentials, 403 for a body that will never be valid
     */
    public List<WebhookEvent> read(String authorization, byte[] body) {
        if (authorization == null || !MessageDigest.isEqual(expectedAuthorization, authorization.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejected(401, "basic auth credentials do not match", false);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new WebhookRejected(403, "body is not JSON: " + e.getMessage(), true);
        }
        String type = root.path("RecordType").asText("");
        switch (type) {
            case "SubscriptionChange" -> {
                String recipient = required(root, "Recipient");
                boolean suppress = root.path("SuppressSending").asBoolean(true);
                return List.of(new WebhookEvent(!suppress, recipient, instant(root, "ChangedAt"), root.path("MessageID").asText(null),
                        suppress ? "SubscriptionChange " + root.path("SuppressionReason").asText("") : "SubscriptionChange reactivated"));
            }
            case "SpamComplaint" -> {
                String recipient = required(root, "Email");
                return List.of(new WebhookEvent(false, recipient, instant(root, "BouncedAt"), root.path("ID").asText(null), "SpamComplaint"));
            }
            default -> {
                return List.of();
            }
        }
    }

    private static String required(JsonNode root, String field) {
        String value = root.path(field).asText("");
        if (value.isEmpty()) {
            throw new WebhookRejected(403, field + " is missing", true);
        }
        return value;
    }

    private static Instant instant(JsonNode root, String field) {
        String value = root.path(field).asText("");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new WebhookRejected(403, field + " is not an ISO-8601 instant: " + value, true);
        }
    }
}
