package dev.unsubsync.capture.oneclick;

import dev.unsubsync.capture.support.Hmac;
import dev.unsubsync.kit.FrameworkFree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque, tamper-proof identifier a one-click unsubscribe URL carries (RFC 8058): who the person is (email, optional
 * Salesforce ID, optional campaign), signed with HMAC-SHA256 under a server-side secret. Nothing in it can be changed
 * without the secret; nothing in it is hidden either, so it holds only what the unsubscribe needs.
 */
@FrameworkFree
public final class OneClickTokens {

    /** The person a token names. */
    public record Person(String email, String salesforceId, String campaign) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final char SEPARATOR = '\u001f';

    private final byte[] secret;

    public OneClickTokens(String secret) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the one-click secret must be at least 32 characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** A token for a person. */
    public String issue(Person person) {
        String payload = nullToEmpty(person.email()) + SEPARATOR + nullToEmpty(person.salesforceId()) + SEPARATOR + nullToEmpty(person.campaign());
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(body) + "." + B64.encodeToString(mac(body));
    }

    /** The person a token names, when its signature is ours; empty for anything forged, altered or malformed. */
    public Optional<Person> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            return Optional.empty();
        }
        try {
            byte[] body = B64D.decode(token.substring(0, dot));
            byte[] signature = B64D.decode(token.substring(dot + 1));
            // Constant-time: how long the check takes says nothing about how close a forgery came.
            if (!MessageDigest.isEqual(mac(body), signature)) {
                return Optional.empty();
            }
            String[] parts = new String(body, StandardCharsets.UTF_8).split(String.valueOf(SEPARATOR), -1);
            if (parts.length != 3 || parts[0].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Person(parts[0], emptyToNull(parts[1]), emptyToNull(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] body) {
        return Hmac.sha256(secret, body);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
