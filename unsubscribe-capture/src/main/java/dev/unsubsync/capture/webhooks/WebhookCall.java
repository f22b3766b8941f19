package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * One webhook request as the providers need it: the raw body (signatures are over bytes, never over a re-serialised
 * form), a header by name (case-insensitive, null when absent), and when it arrived.
 */
@FrameworkFree
public record WebhookCall(byte[] body, UnaryOperator<String> header, Instant now) {
}
