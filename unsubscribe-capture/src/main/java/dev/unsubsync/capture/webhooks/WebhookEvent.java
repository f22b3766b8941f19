package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;

/**
 * What a provider's event means for us: an unsubscribe (or complaint) to record, or a re-subscribe to record on the
 * sales side only (never pushed to Salesforce).
 *
 * @param resubscribe     true for a provider's re-subscribe / reactivation
 * @param email           the recipient, as the provider sent it
 * @param occurredAt      when it happened, per the provider
 * @param upstreamEventId the provider's own event id
 * @param reason          the provider's event kind, e.g. {@code unsubscribed}, {@code complained}
 * @param topic           the list, group or topic the person left (e.g. {@code sendgrid:asm-group:42}); null for all email
 */
@FrameworkFree
public record WebhookEvent(boolean resubscribe, String email, Instant occurredAt, String upstreamEventId, String reason, String topic) {

    /** An event about all email. */
    public WebhookEvent(boolean resubscribe, String email, Instant occurredAt, String upstreamEventId, String reason) {
        this(resubscribe, email, occurredAt, upstreamEventId, reason, null);
    }
}
