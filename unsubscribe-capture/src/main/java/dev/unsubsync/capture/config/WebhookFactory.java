package dev.unsubsync.capture.config;

import dev.unsubsync.capture.domain.webhooks.Mailgun;
import dev.unsubsync.capture.domain.webhooks.Postmark;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The provider webhooks that are configured; a provider without its secret is not served ({@code 404}).
 * {@code capture.webhooks.timestamp-tolerance} (default 5 minutes) bounds how old a signed call may be.
 */
@Factory
public class WebhookFactory {

    @Singleton
    @Requires(property = "capture.webhooks.mailgun.signing-key")
    Mailgun mailgun(@Value("${capture.webhooks.mailgun.signing-key}") String signingKey,
                    @Value("${capture.webhooks.timestamp-tolerance:5m}") Duration tolerance) {
        return new Mailgun(signingKey, tolerance);
    }

    @Singleton
    @Requires(property = "capture.webhooks.postmark.username")
    Postmark postmark(@Value("${capture.webhooks.postmark.username}") String username,
                      @Value("${capture.webhooks.postmark.password}") String password) {
        return new Postmark(username, password);
    }
}
