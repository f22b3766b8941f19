package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SendGrid's Event Webhook: ECDSA signatures (valid, bad, stale, replayed), group scopes, the events that are not ours. */
public class SendGridTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    /** Events in the shape of SendGrid's documented Event Webhook samples; the body ends with a line break, as SendGrid's does. */
    public static final String EVENTS = """
            [{"email":"example@test.com","timestamp":1764352800,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"processed","category":"cat facts","sg_event_id":"rbtnWrG1DVDGGGFHFyun0A==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000"},
            {"email":"example@test.com","timestamp":1764352800,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"unsubscribe","category":"cat facts","sg_event_id":"zz_BjPgU_5pS-J8vlfB1sg==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000"},
            {"email":"Group.Member@Test.com","timestamp":1764352800,"smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"group_unsubscribe","category":"cat facts","sg_event_id":"ahSCB7xYcXFb-hEaawsPRw==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000","useragent":"Mozilla/4.0","ip":"255.255.255.255","url":"http://www.sendgrid.com/","asm_group_id":10},
            {"email":"spam@test.com","timestamp":1764352800,"event":"spamreport","sg_event_id":"37nvH5QBz858KGVYCM4uOA==","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000"}]
            """;

    private final KeyPair keys = keyPair();
    private final SendGrid sendGrid = new SendGrid(Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), Duration.ofMinutes(5));

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SendGrid's signature: ECDSA P-256 / SHA-256 over the timestamp header's value and the raw body, Base64 DER. */
    public static String sign(KeyPair keys, String timestamp, byte[] body) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(timestamp.getBytes(StandardCharsets.UTF_8));
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    @Test
    void validCallReadsUnsubscribesGroupScopesAndComplaints() throws Exception {
        byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        List<WebhookEvent> events = sendGrid.read(sign(keys, timestamp, body), timestamp, body, NOW).events();

        assertEquals(List.of("unsubscribe", "group_unsubscribe", "spamreport"), events.stream().map(WebhookEvent::reason).toList());
        assertNull(events.getFirst().topic(), "an unsubscribe is from all email");
        assertEquals("sendgrid:asm-group:10", events.get(1).topic(), "a group unsubscribe keeps its group: never widened");
        assertEquals("Group.Member@Test.com", events.get(1).email(), "the address as received");
        assertEquals("zz_BjPgU_5pS-J8vlfB1sg==", events.getFirst().upstreamEventId());
        assertEquals(Instant.ofEpochSecond(1764352800), events.getFirst().occurredAt());
        assertFalse(events.get(2).resubscribe());
    }

    @Test
    void groupResubscribeIsAReverseForThatGroupOnly() throws Exception {
        byte[] body = "[{\"email\":\"a@test.com\",\"timestamp\":1764352800,\"event\":\"group_resubscribe\",\"asm_group_id\":7,\"sg_event_id\":\"x\"}]\n"
                .getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        WebhookEvent event = sendGrid.read(sign(keys, timestamp, body), timestamp, body, NOW).events().getFirst();
        assertTrue(event.resubscribe());
        assertEquals("sendgrid:asm-group:7", event.topic());
    }

    @Test
    void aSignatureOverOtherBytesIsRefused() throws Exception {
        byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        String signature = sign(keys, timestamp, body);
        // The same events without the trailing line break: not the bytes that were signed.
        byte[] reformatted = EVENTS.strip().getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(WebhookRejected.class, () -> sendGrid.read(signature, timestamp, reformatted, NOW));
        assertEquals(401, e.status());
        assertFalse(e.authenticated());
        assertEquals(401, assertThrows(WebhookRejected.class, () -> sendGrid.read(sign(keyPair(), timestamp, body), timestamp, body, NOW)).status(),
                "another key's signature");
        assertEquals(401, assertThrows(WebhookRejected.class, () -> sendGrid.read("bm90IGEgc2lnbmF0dXJl", timestamp, body, NOW)).status());
        assertEquals(401, assertThrows(WebhookRejected.class, () -> sendGrid.read(null, timestamp, body, NOW)).status());
    }

    @Test
    void staleTimestampIsRefused() throws Exception {
        byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
        var e = assertThrows(WebhookRejected.class, () -> sendGrid.read(sign(keys, timestamp, body), timestamp, body, NOW));
        assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
    }

    @Test
    void replayIsRefusedOnceTheFirstCallWasDurable() throws Exception {
        byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        String signature = sign(keys, timestamp, body);
        sendGrid.read(signature, timestamp, body, NOW).accepted(NOW);
        var e = assertThrows(WebhookRejected.class, () -> sendGrid.read(signature, timestamp, body, NOW.plusSeconds(30)));
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void theOtherValidFormOfTheSameSignatureIsStillAReplay() throws Exception {
        byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        String signature = sign(keys, timestamp, body);
        sendGrid.read(signature, timestamp, body, NOW).accepted(NOW);
        // ECDSA: if (r, s) verifies, so does (r, n - s), another text for the same signed bytes.
        String twin = Base64.getEncoder().encodeToString(negateS(Base64.getDecoder().decode(signature),
                ((java.security.interfaces.ECPublicKey) keys.getPublic()).getParams().getOrder()));
        assertFalse(twin.equals(signature));
        var e = assertThrows(WebhookRejected.class, () -> sendGrid.read(twin, timestamp, body, NOW.plusSeconds(30)));
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    /** The DER signature (r, n - s) for the DER signature (r, s). */
    private static byte[] negateS(byte[] der, java.math.BigInteger order) {
        int at = 2;
        int rLength = der[at + 1];
        java.math.BigInteger r = new java.math.BigInteger(java.util.Arrays.copyOfRange(der, at + 2, at + 2 + rLength));
        at += 2 + rLength;
        int sLength = der[at + 1];
        java.math.BigInteger s = new java.math.BigInteger(java.util.Arrays.copyOfRange(der, at + 2, at + 2 + sLength));
        byte[] rBytes = r.toByteArray();
        byte[] sBytes = order.subtract(s).toByteArray();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x30);
        out.write(4 + rBytes.length + sBytes.length);
        out.write(0x02);
        out.write(rBytes.length);
        out.writeBytes(rBytes);
        out.write(0x02);
        out.write(sBytes.length);
        out.writeBytes(sBytes);
        return out.toByteArray();
    }

    @Test
    void authenticButUnusablePayloadIsKeptAndAcknowledged() throws Exception {
        byte[] body = "[{\"event\":\"unsubscribe\",\"timestamp\":1764352800}]".getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(NOW.getEpochSecond());
        var e = assertThrows(WebhookRejected.class, () -> sendGrid.read(sign(keys, timestamp, body), timestamp, body, NOW));
        assertTrue(e.authenticated(), "kept on the dead-letter topic");
        assertEquals(200, e.status(), "SendGrid would retry anything else for a day");
    }

    @Test
    void aKeyThatIsNotAnEcPublicKeyIsRefusedAtStartUp() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SendGrid("bm90IGEga2V5", Duration.ofMinutes(5)));
        assertTrue(e.getMessage().contains("capture.webhooks.sendgrid.public-key"), e.getMessage());
    }
}
