package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * SparkPost webhooks: a JSON array of {@code {"msys": {"<kind>_event": {...}}}}, authenticated by HTTP basic auth or a
 * secret token header (SparkPost does not sign). {@code list_unsubscribe} and {@code link_unsubscribe}
 * ({@code unsubscribe_event}) and {@code spam_complaint} ({@code message_event}) are unsubscribes; other events are
 * acknowledged and ignored.
 */
@FrameworkFree
public final class SparkPost implements WebhookProvider {

    /** The custom header a token-authenticated SparkPost webhook sends. */
    public static final String TOKEN_HEADER = "X-MessageSystems-Webhook-Token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] basic;
    private final byte[] token;

    /**
     * @param username basic-auth user name, or null
     * @param password basic-auth password, or null
     * @param token    secret of the token header, or null (at least one way must be configured)
     */
    public SparkPost(String username, String password, String token) {
        this.basic = username == null || username.isBlank()
                ? null
                : ("Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        if (basic == null && this.token == null) {
            throw new IllegalArgumentException("SparkPost needs capture.webhooks.sparkpost.username/password or .token");
        }
    }

    @Override
    public String name() {
        return "sparkpost";
    }

    @Override
    public int stopCode() {
        // SparkPost retries any non-2xx: a payload kept on the dead-letter topic is acknowledged.
        return 200;
    }

    @Override
    public Verified read(WebhookCall call) {
        return Verified.of(read(call.header().apply("Authorization"), call.header().apply(TOKEN_HEADER), call.body()));
    }

    /** Verifies and reads one call. */
    public List<WebhookEvent> read(String authorization, String tokenHeader, byte[] body) {
        boolean byBasic = basic != null && authorization != null && MessageDigest.isEqual(basic, authorization.trim().getBytes(StandardCharsets.UTF_8));
        boolean byToken = token != null && tokenHeader != null && MessageDigest.isEqual(token, tokenHeader.trim().getBytes(StandardCharsets.UTF_8));
        if (!byBasic && !byToken) {
            throw new WebhookRejected(401, "neither the basic auth credentials nor " + TOKEN_HEADER + " match", false);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new WebhookRejected(stopCode(), "body is not JSON: " + e.getMessage(), true);
        }
        if (!root.isArray()) {
            throw new WebhookRejected(stopCode(), "body must be a JSON array of events", true);
        }
        List<WebhookEvent> found = new ArrayList<>();
        for (JsonNode item : root) {
            JsonNode msys = item.path("msys");
            JsonNode event = msys.has("unsubscribe_event") ? msys.path("unsubscribe_event") : msys.path("message_event");
            String type = event.path("type").asText("");
            if (!type.equals("list_unsubscribe") && !type.equals("link_unsubscribe") && !type.equals("spam_complaint")) {
                continue;
            }
            String email = event.path("rcpt_to").asText(event.path("raw_rcpt_to").asText(""));
            if (email.isEmpty()) {
                throw new WebhookRejected(stopCode(), "a " + type + " event has no rcpt_to", true);
            }
            found.add(new WebhookEvent(false, email, instant(event.path("timestamp")), event.path("event_id").asText(null), type));
        }
        return found;
    }

    private Instant instant(JsonNode timestamp) {
        if (timestamp.canConvertToLong()) {
            return Instant.ofEpochSecond(timestamp.asLong());
        }
        String text = timestamp.asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(text)) : Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new WebhookRejected(stopCode(), "timestamp is neither epoch seconds nor ISO-8601: " + text, true);
        }
    }
}
