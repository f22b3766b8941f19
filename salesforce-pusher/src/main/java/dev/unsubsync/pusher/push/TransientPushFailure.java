package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;

/**
 * Salesforce could not take a batch right now (unreachable, 5xx, limits, credentials, a locked row). Nothing of the batch
 * is final: it is retried, in order, after a backoff.
 */
@FrameworkFree
public class TransientPushFailure extends RuntimeException {

    public TransientPushFailure(String message) {
        super(message);
    }
}
