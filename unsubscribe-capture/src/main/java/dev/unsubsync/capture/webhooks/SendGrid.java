package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Twilio SendGrid Event Webhook: a JSON array of events, signed with ECDSA (P-256, SHA-256) over the timestamp header's
 * value followed by the raw body; the signature (Base64 DER) and timestamp come in {@code
 * X-Twilio-Email-Event-Webhook-Signature} / {@code -Timestamp}, the public key (Base64 SubjectPublicKeyInfo) is
 * configured. A signature's timestamp must be within the tolerance, and a signature is accepted once within it, so a
 * captured call cannot be replayed. {@code unsubscribe} and {@code spamreport} are unsubscribes from all email,
 * {@code group_unsubscribe} an unsubscribe from one suppression group (recorded with that scope, never widened),
 * {@code group_resubscribe} its reverse; other events are acknowledged and ignored.
 */
@FrameworkFree
public final class SendGrid implements WebhookProvider {

    public static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    public static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublicKey publicKey;
    private final Duration tolerance;
    private final ReplayGuard replays;

    /**
     * @param publicKey the verification key SendGrid shows for the webhook (Base64 X.509 SubjectPublicKeyInfo)
     * @throws IllegalArgumentException when it is not an EC public key
     */
    public SendGrid(String publicKey, Duration tolerance) {
        try {
            this.publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("capture.webhooks.sendgrid.public-key is not a Base64 EC public key: " + e.getMessage(), e);
        }
        this.tolerance = tolerance;
        this.replays = new ReplayGuard(tolerance.multipliedBy(2));
    }

    @Override
    public String name() {
        return "sendgrid";
    }

    @Override
    public int stopCode() {
        // SendGrid retries any non-2xx for a day and keeps nothing from the answer: a payload we keep on the dead-letter
        // topic is acknowledged.
        return 200;
    }

    @Override
    public Verified read(WebhookCall call) {
        return read(call.header().apply(SIGNATURE_HEADER), call.header().apply(TIMESTAMP_HEADER), call.body(), call.now());
    }

    /**
     * Verifies and reads one call.
     *
     * @throws WebhookRejected 401 when the signature is missing, wrong, stale or replayed; {@link #stopCode()} for a signed body that
     *                         will never be valid
     */
    public Verified read(String signature, String timestamp, byte[] body, Instant now) {
        if (signature == null || signature.isBlank() || timestamp == null || timestamp.isBlank()) {
            throw new WebhookRejected(401, SIGNATURE_HEADER + " and " + TIMESTAMP_HEADER + " are required", false);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(401, SIGNATURE_HEADER + " is not Base64", false);
        }
        if (!verifies(timestamp.trim(), body, der)) {
            throw new WebhookRejected(401, "signature does not match", false);
        }
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
        } catch (NumberFormatException e) {
            throw new WebhookRejected(401, TIMESTAMP_HEADER + " is not epoch seconds", false);
        }
        if (Duration.between(signedAt, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookRejected(401, "signature timestamp " + signedAt + " is outside the tolerance of " + tolerance, false);
        }
        // What was signed (the timestamp and the body), not the signature's text: ECDSA signatures are not unique.
        String signed = ReplayGuard.keyOf(timestamp.trim().getBytes(StandardCharsets.UTF_8), body);
        if (replays.used(signed, now)) {
            throw new WebhookRejected(401, "this signed call was already received: a replay", false);
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
        List<WebhookEvent> events = new ArrayList<>();
        for (JsonNode event : root) {
            String kind = event.path("event").asText("");
            boolean group = kind.equals("group_unsubscribe") || kind.equals("group_resubscribe");
            if (!kind.equals("unsubscribe") && !kind.equals("spamreport") && !group) {
                continue;
            }
            String email = event.path("email").asText("");
            if (email.isEmpty()) {
                throw new WebhookRejected(stopCode(), "a " + kind + " event has no email", true);
            }
            String scope = null;
            if (group) {
                if (!event.path("asm_group_id").canConvertToLong()) {
                    throw new WebhookRejected(stopCode(), "a " + kind + " event has no numeric asm_group_id", true);
                }
                scope = "sendgrid:asm-group:" + event.path("asm_group_id").asLong();
            }
            Instant occurredAt = event.path("timestamp").canConvertToLong() ? Instant.ofEpochSecond(event.path("timestamp").asLong()) : null;
            events.add(new WebhookEvent(kind.equals("group_resubscribe"), email, occurredAt, event.path("sg_event_id").asText(null), kind, scope));
        }
        return new Verified(events, replays, signed);
    }

    private boolean verifies(String timestamp, byte[] body, byte[] der) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
            verifier.update(body);
            return verifier.verify(der);
        } catch (SignatureException e) {
            // A signature that is not even valid DER: simply not a match.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
