package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mailgun webhooks: {@code {"signature": {"timestamp", "token", "signature"}, "event-data": {...}}}. The signature is the
 * hex HMAC-SHA256 of timestamp + token under the webhook signing key; it does not cover the body, so the timestamp's age
 * is bounded and every token is remembered to refuse replays. {@code unsubscribed} and {@code complained} are
 * unsubscribes; other events are acknowledged and ignored. Input that will never be valid answers 406, which Mailgun
 * does not retry.
 */
@FrameworkFree
public final class Mailgun implements WebhookProvider {

    private static final Set<String> UNSUBSCRIBES = Set.of("unsubscribed", "complained");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] signingKey;
    private final Duration tolerance;
    private final ReplayGuard seenTokens;

    public Mailgun(String signingKey, Duration tolerance) {
        this.signingKey = signingKey.getBytes(StandardCharsets.UTF_8);
        this.tolerance = tolerance;
        this.seenTokens = new ReplayGuard(tolerance.multipliedBy(2));
    }

    @Override
    public String name() {
        return "mailgun";
    }

    @Override
    public int stopCode() {
        return 406;
    }

    @Override
    public Verified read(WebhookCall call) {
        return read(call.body(), call.now());
    }

    /**
     * Verifies and reads one call.
     *
     * @return the unsubscribes it carries (empty for events that are not unsubscribes)
     * @throws WebhookRejected when the signature is wrong, stale or replayed (401), or the body will never be valid (406)
     */
    public Verified read(byte[] body, Instant now) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new WebhookRejected(401, "body is not JSON, so its signature cannot be checked", false);
        }
        JsonNode signature = root.path("signature");
        String timestamp = signature.path("timestamp").asText("");
        String token = signature.path("token").asText("");
        String hex = signature.path("signature").asText("");
        if (timestamp.isEmpty() || token.isEmpty() || hex.isEmpty()) {
            throw new WebhookRejected(401, "signature.timestamp, signature.token and signature.signature are required", false);
        }
        byte[] expected = hmac(timestamp + token);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(401, "signature is not hex", false);
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new WebhookRejected(401, "signature does not match", false);
        }
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw new WebhookRejected(401, "signature.timestamp is not epoch seconds", false);
        }
        if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookRejected(401, "signature timestamp " + signedAt + " is outside the tolerance of " + tolerance, false);
        }
        if (seenTokens.used(token, now)) {
            throw new WebhookRejected(401, "token already used: a replay", false);
        }
        JsonNode data = root.path("event-data");
        String event = data.path("event").asText("");
        if (!UNSUBSCRIBES.contains(event)) {
            return new Verified(List.of(), seenTokens, token);
        }
        String recipient = data.path("recipient").asText("");
        if (recipient.isEmpty()) {
            throw new WebhookRejected(406, "event-data.recipient is missing", true);
        }
        double ts = data.path("timestamp").asDouble(signedAt.getEpochSecond());
        Instant occurredAt = Instant.ofEpochMilli((long) (ts * 1000));
        return new Verified(List.of(new WebhookEvent(false, recipient, occurredAt, data.path("id").asText(null), event)), seenTokens, token);
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
