package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Postmark's webhook: basic auth, subscription changes both ways, spam complaints, and what is not ours. */
public class PostmarkTest {

    public static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("postmark:hook-password".getBytes(StandardCharsets.UTF_8));
    private final Postmark postmark = new Postmark("postmark", "hook-password");

    public static String subscriptionChange(String recipient, boolean suppress) {
        return "{\"RecordType\":\"SubscriptionChange\",\"MessageID\":\"883953f4-6105-42a2-a16a-77a8eac79483\",\"ServerID\":123456,"
                + "\"MessageStream\":\"outbound\",\"ChangedAt\":\"2026-11-28T17:59:00Z\",\"Recipient\":\"" + recipient + "\",\"Origin\":\"Recipient\","
                + "\"SuppressSending\":" + suppress + ",\"SuppressionReason\":\"ManualSuppression\",\"Tag\":\"welcome\",\"Metadata\":{}}";
    }

    @Test
    void suppressionIsAnUnsubscribe() {
        List<WebhookEvent> events = postmark.read(AUTH, subscriptionChange("john@example.com", true).getBytes(StandardCharsets.UTF_8));
        assertEquals("john@example.com", events.getFirst().email());
        assertFalse(events.getFirst().resubscribe());
        assertEquals(Instant.parse("2026-11-28T17:59:00Z"), events.getFirst().occurredAt());
    }

    @Test
    void reactivationIsAResubscribeRecordedOnTheSalesSideOnly() {
        assertTrue(postmark.read(AUTH, subscriptionChange("john@example.com", false).getBytes(StandardCharsets.UTF_8)).getFirst().resubscribe());
    }

    @Test
    void spamComplaintIsAnUnsubscribeAndOtherRecordTypesAreIgnored() {
        String complaint = "{\"RecordType\":\"SpamComplaint\",\"ID\":42,\"Type\":\"SpamComplaint\",\"Email\":\"jane@example.com\",\"BouncedAt\":\"2026-11-28T17:00:00Z\"}";
        assertEquals("jane@example.com", postmark.read(AUTH, complaint.getBytes(StandardCharsets.UTF_8)).getFirst().email());
        assertTrue(postmark.read(AUTH, "{\"RecordType\":\"Delivery\",\"Recipient\":\"jane@example.com\"}".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void wrongCredentialsAreRefused() {
        assertEquals(401, assertThrows(WebhookRejected.class, () -> postmark.read("Basic d3Jvbmc6d3Jvbmc=", "{}".getBytes(StandardCharsets.UTF_8))).status());
        assertEquals(401, assertThrows(WebhookRejected.class, () -> postmark.read(null, "{}".getBytes(StandardCharsets.UTF_8))).status());
    }

    @Test
    void authenticButUnusablePayloadStopsPostmarksRetries() {
        var e = assertThrows(WebhookRejected.class, () -> postmark.read(AUTH, "{\"RecordType\":\"SubscriptionChange\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(403, e.status());
        assertTrue(e.authenticated());
    }
}
