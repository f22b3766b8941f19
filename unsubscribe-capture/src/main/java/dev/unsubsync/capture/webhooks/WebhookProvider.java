package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;

/** A provider's webhook: how it authenticates a call and reads its events. */
@FrameworkFree
public interface WebhookProvider {

    /** The path segment under {@code /webhooks/}. */
    String name();

    /**
     * The status the provider treats as final for an authenticated payload we will never be able to use (it stops
     * retrying); a 2xx when the provider retries on anything else and keeps nothing useful from our answer.
     */
    int stopCode();

    /**
     * Verifies the call and reads its events.
     *
     * @throws WebhookRejected when it is not authentic (401/403, nothing kept) or can never be used (kept on the DLT)
     */
    Verified read(WebhookCall call);
}
