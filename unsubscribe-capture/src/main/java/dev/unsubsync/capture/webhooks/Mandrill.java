package dev.unsubsync.capture.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.capture.support.FormBody;
import dev.unsubsync.kit.FrameworkFree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mailchimp Transactional (Mandrill) webhooks: a form post whose {@code mandrill_events} field holds a JSON array of up
 * to 1,000 events, signed in {@code X-Mandrill-Signature} with the Base64 HMAC-SHA1, under the webhook key, of the exact
 * webhook URL followed by every POST field's name and value, sorted by name. The signature has no timestamp, so a
 * call is accepted once within a day (a replay, however its signature is encoded, is refused) and events older than a
 * day are not taken as new. {@code unsub} and {@code spam} are unsubscribes; other events are acknowledged and ignored.
 */
@FrameworkFree
public final class Mandrill implements WebhookProvider {

    public static final String SIGNATURE_HEADER = "X-Mandrill-Signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Events older than this are not taken as new (the signature carries no time to bound a replay otherwise). */
    static final Duration MAX_EVENT_AGE = Duration.ofDays(1);

    private final byte[] key;
    private final String url;
    private final ReplayGuard replays;

    /**
     * @param key the webhook's authentication key
     * @param url the webhook URL exactly as configured in Mandrill (it is part of what is signed)
     */
    public Mandrill(String key, String url, Duration tolerance) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.url = url;
        // As long as an event is taken as new: a replay within that is refused, an older one carries nothing new.
        this.replays = new ReplayGuard(MAX_EVENT_AGE.plus(tolerance));
    }

    @Override
    public String name() {
        return "mandrill";
    }

    @Override
    public int stopCode() {
        // Mandrill retries any non-2xx: a payload kept on the dead-letter topic is acknowledged.
        return 200;
    }

    @Override
    public Verified read(WebhookCall call) {
        return read(call.header().apply(SIGNATURE_HEADER), call.body(), call.now());
    }

    /**
     * Verifies and reads one call.
     *
     * @throws WebhookRejected 401 for a missing, wrong or replayed signature; {@link #stopCode()} for a signed body that
     *                         will never be valid
     */
    public Verified read(String signature, byte[] body, Instant now) {
        if (signature == null || signature.isBlank()) {
            throw new WebhookRejected(401, SIGNATURE_HEADER + " is required", false);
        }
        Map<String, String> form;
        try {
            form = FormBody.parse(new String(body, StandardCharsets.UTF_8));
        } catch (FormBody.MalformedFormException e) {
            throw new WebhookRejected(400, e.getMessage(), false);
        }
        StringBuilder signed = new StringBuilder(url);
        form.forEach((name, value) -> signed.append(name).append(value));
        byte[] expected = hmacSha1(signed.toString());
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(401, SIGNATURE_HEADER + " is not Base64", false);
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new WebhookRejected(401, "signature does not match (is capture.webhooks.mandrill.url exactly the URL Mandrill posts to?)", false);
        }
        // What was signed (the URL and the fields), not the signature's text: a Base64 variant decodes to the same bytes.
        String signedKey = ReplayGuard.keyOf(expected);
        if (replays.used(signedKey, now)) {
            throw new WebhookRejected(401, "this signed call was already received: a replay", false);
        }
        String events = form.get("mandrill_events");
        if (events == null) {
            throw new WebhookRejected(stopCode(), "the mandrill_events field is missing", true);
        }
        JsonNode root;
        try {
            root = JSON.readTree(events);
        } catch (IOException e) {
            throw new WebhookRejected(stopCode(), "mandrill_events is not JSON: " + e.getMessage(), true);
        }
        if (!root.isArray()) {
            throw new WebhookRejected(stopCode(), "mandrill_events must be a JSON array", true);
        }
        List<WebhookEvent> found = new ArrayList<>();
        for (JsonNode event : root) {
            String kind = event.path("event").asText("");
            if (!kind.equals("unsub") && !kind.equals("spam")) {
                continue;
            }
            String email = event.path("msg").path("email").asText("");
            if (email.isEmpty()) {
                throw new WebhookRejected(stopCode(), "a " + kind + " event has no msg.email", true);
            }
            Instant occurredAt = event.path("ts").canConvertToLong() ? Instant.ofEpochSecond(event.path("ts").asLong()) : null;
            if (occurredAt != null && occurredAt.isBefore(now.minus(MAX_EVENT_AGE))) {
                // The signature has no timestamp: an old signed call sent again is not taken as news.
                continue;
            }
            found.add(new WebhookEvent(false, email, occurredAt, event.path("_id").asText(null), kind));
        }
        return new Verified(found, replays, signedKey);
    }

    /** The form fields, sorted by name (the signature's order). */
    private byte[] hmacSha1(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
