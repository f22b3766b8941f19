package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;

/**
 * A webhook call refused: {@code status} is what the provider understands (a code it retries for what may succeed
 * later, one it stops on for input that will never be valid), {@code reason} says why.
 */
@FrameworkFree
public class WebhookRejected extends RuntimeException {

    private final int status;
    private final boolean authenticated;

    public WebhookRejected(int status, String reason, boolean authenticated) {
        super(reason);
        this.status = status;
        this.authenticated = authenticated;
    }

    public int status() {
        return status;
    }

    /** Whether the call proved it came from the provider (then its body is kept on the dead-letter topic). */
    public boolean authenticated() {
        return authenticated;
    }
}
