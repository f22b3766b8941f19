package dev.unsubsync.salesforce;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** The JWT bearer flow's assertion: {@code {"alg":"RS256"}} and {@code iss}, {@code sub}, {@code aud}, {@code exp}, signed SHA256withRSA. */
final class JwtAssertion {

    /** Salesforce accepts an assertion that expires within a few minutes; three is what its documentation uses. */
    private static final Duration LIFETIME = Duration.ofMinutes(3);

    private JwtAssertion() {
    }

    static String sign(String privateKeyPem, String clientId, String username, String audience, Instant now) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = "{\"iss\":\"" + escape(clientId) + "\",\"sub\":\"" + escape(username) + "\",\"aud\":\"" + escape(audience)
                + "\",\"exp\":" + now.plus(LIFETIME).getEpochSecond() + "}";
        String payload = b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(privateKey(privateKeyPem));
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(signer.sign());
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("the key is PKCS#1; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
