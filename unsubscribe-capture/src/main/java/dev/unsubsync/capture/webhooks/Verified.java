package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;
import java.util.List;

/**
 * A webhook call that proved it came from its provider, and what it carries.
 *
 * @param events    the unsubscribes (and re-subscribes) it carries; empty when none of its events is one
 * @param guard     the provider's replay memory, or null when its scheme needs none
 * @param replayKey what identifies this call to {@code guard}
 */
@FrameworkFree
public record Verified(List<WebhookEvent> events, ReplayGuard guard, String replayKey) {

    /** A call of a provider whose scheme needs no replay memory. */
    public static Verified of(List<WebhookEvent> events) {
        return new Verified(events, null, null);
    }

    /** Everything it carried is durable: the same call again is a replay from now on. */
    public void accepted(Instant now) {
        if (guard != null) {
            guard.markUsed(replayKey, now);
        }
    }
}
