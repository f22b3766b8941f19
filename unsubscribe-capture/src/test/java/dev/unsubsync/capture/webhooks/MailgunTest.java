package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Mailgun's webhook: a valid signature, a bad one, a stale timestamp, a replay, and the events that are not ours. */
public class MailgunTest {

    public static final String KEY = "key-mailgun-signing-0123456789";
    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private final Mailgun mailgun = new Mailgun(KEY, Duration.ofMinutes(5));

    /** A payload in Mailgun's documented shape, signed as Mailgun signs. */
    public static String payload(String event, String recipient, Instant signedAt, String token, String key) throws Exception {
        String timestamp = String.valueOf(signedAt.getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
        return "{\"signature\":{\"timestamp\":\"" + timestamp + "\",\"token\":\"" + token + "\",\"signature\":\"" + signature + "\"},"
                + "\"event-data\":{\"event\":\"" + event + "\",\"id\":\"-Agny091SquKnsrW2NEKUA\",\"timestamp\":" + signedAt.getEpochSecond() + ".329574,"
                + "\"recipient\":\"" + recipient
                + "\",\"tags\":[\"my_tag_1\"],\"message\":{\"headers\":{\"message-id\":\"20130503182626.18666.16540@example.com\"}}}}";
    }

    @Test
    void validUnsubscribeIsRead() throws Exception {
        List<WebhookEvent> events = mailgun.read(payload("unsubscribed", "alice@example.com", NOW, "token-1", KEY).getBytes(StandardCharsets.UTF_8), NOW)
                .events();
        assertEquals(1, events.size());
        assertEquals("alice@example.com", events.getFirst().email());
        assertEquals("unsubscribed", events.getFirst().reason());
        assertEquals("-Agny091SquKnsrW2NEKUA", events.getFirst().upstreamEventId());
        assertFalse(events.getFirst().resubscribe());
    }

    @Test
    void complaintCountsAsUnsubscribeAndDeliveryIsIgnored() throws Exception {
        assertEquals(1, mailgun.read(payload("complained", "bob@example.com", NOW, "token-2", KEY).getBytes(StandardCharsets.UTF_8), NOW).events().size());
        assertTrue(mailgun.read(payload("delivered", "bob@example.com", NOW, "token-3", KEY).getBytes(StandardCharsets.UTF_8), NOW).events().isEmpty());
    }

    @Test
    void badSignatureIsRefused() throws Exception {
        var e = assertThrows(WebhookRejected.class,
                () -> mailgun.read(payload("unsubscribed", "alice@example.com", NOW, "token-4", "another-key").getBytes(StandardCharsets.UTF_8), NOW));
        assertEquals(401, e.status());
        assertFalse(e.authenticated());
    }

    @Test
    void staleTimestampIsRefused() throws Exception {
        var e = assertThrows(WebhookRejected.class, () -> mailgun.read(
                payload("unsubscribed", "alice@example.com", NOW.minus(Duration.ofMinutes(6)), "token-5", KEY).getBytes(StandardCharsets.UTF_8), NOW));
        assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
    }

    @Test
    void replayedTokenIsRefused() throws Exception {
        byte[] body = payload("unsubscribed", "alice@example.com", NOW, "token-6", KEY).getBytes(StandardCharsets.UTF_8);
        Verified first = mailgun.read(body, NOW);
        assertEquals(1, mailgun.read(body, NOW).events().size(), "not yet durable: the provider's retry is taken");
        first.accepted(NOW);
        var e = assertThrows(WebhookRejected.class, () -> mailgun.read(body, NOW.plusSeconds(1)));
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void authenticUnsubscribeWithoutRecipientIsUnusableForGood() throws Exception {
        var e = assertThrows(WebhookRejected.class, () -> mailgun.read(payload("unsubscribed", "", NOW, "token-7", KEY).getBytes(StandardCharsets.UTF_8), NOW));
        assertEquals(406, e.status());
        assertTrue(e.authenticated(), "kept on the dead-letter topic");
    }
}
