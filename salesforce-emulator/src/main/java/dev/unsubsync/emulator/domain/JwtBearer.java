package dev.unsubsync.emulator.domain;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OAuth 2.0 JWT bearer flow's checks: an RS256-signed assertion whose signature verifies against the connected
 * app's certificate, {@code iss} = its consumer key, {@code sub} = a user approved for it, {@code aud} = a login host,
 * {@code exp} in the future and no more than a few minutes away.
 */
public final class JwtBearer {

    /** Why an assertion was refused, in Salesforce's OAuth error shape. */
    public record Refusal(String error, String description) {
    }

    private static final Pattern CLAIM = Pattern.compile("\"(iss|sub|aud|exp)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(\\d+))");
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    private final PublicKey key;
    private final String clientId;
    private final String username;
    private final List<String> audiences;
    private final Clock clock;

    public JwtBearer(PublicKey key, String clientId, String username, List<String> audiences, Clock clock) {
        this.key = key;
        this.clientId = clientId;
        this.username = username;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    /** A public key from PEM text: a certificate, a public key, or the bare base64 of either. */
    public static PublicKey publicKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        if (pem.contains("CERTIFICATE")) {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        }
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    /** Empty when the assertion is good; otherwise why not. */
    public Optional<Refusal> check(String assertion) {
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
        if (parts.length != 3) {
            return refuse("invalid_grant", "invalid assertion");
        }
        String header;
        String payload;
        byte[] signature;
        try {
            header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return refuse("invalid_grant", "invalid assertion");
        }
        if (!header.replaceAll("\\s", "").contains("\"alg\":\"RS256\"")) {
            return refuse("invalid_grant", "invalid assertion");
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(signature)) {
                return refuse("invalid_grant", "invalid assertion");
            }
        } catch (GeneralSecurityException e) {
            return refuse("invalid_grant", "invalid assertion");
        }
        Map<String, String> claims = new HashMap<>();
        Matcher m = CLAIM.matcher(payload);
        while (m.find()) {
            claims.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
        }
        if (!clientId.equals(claims.get("iss"))) {
            return refuse("invalid_client_id", "client identifier invalid");
        }
        if (!audiences.contains(claims.get("aud"))) {
            return refuse("invalid_grant", "audience is invalid");
        }
        if (!username.equals(claims.get("sub"))) {
            return refuse("invalid_grant", "user hasn't approved this consumer");
        }
        Instant now = clock.instant();
        long exp;
        try {
            exp = Long.parseLong(claims.getOrDefault("exp", ""));
        } catch (NumberFormatException e) {
            return refuse("invalid_grant", "invalid assertion");
        }
        Instant expiry = Instant.ofEpochSecond(exp);
        if (!expiry.isAfter(now) || expiry.isAfter(now.plus(MAX_LIFETIME))) {
            return refuse("invalid_grant", "invalid assertion");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(String error, String description) {
        return Optional.of(new Refusal(error, description));
    }
}
