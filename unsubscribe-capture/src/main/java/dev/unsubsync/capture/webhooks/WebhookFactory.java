package dev.unsubsync.capture.webhooks;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Set;

/**
 * The provider webhooks that are configured; a provider without its secret is not served ({@code 404}):
 * {@code capture.webhooks.sendgrid.public-key}; {@code mailgun.signing-key}; {@code postmark.username/password};
 * {@code ses.topic-arns} (and {@code ses.max-age}, default 1 hour); {@code mandrill.key} and {@code mandrill.url} (the
 * exact URL Mandrill posts to); {@code sparkpost.username/password} or {@code sparkpost.token}.
 * {@code capture.webhooks.timestamp-tolerance} (default 5 minutes) bounds how old a signed call may be;
 * {@code capture.webhooks.ses.certificates-dir} pins SNS signing certificates on disk instead of fetching them.
 */
@Factory
public class WebhookFactory {

    @Singleton
    @Requires(property = "capture.webhooks.mailgun.signing-key")
    Mailgun mailgun(WebhooksConfiguration.MailgunSettings mailgun, WebhooksConfiguration webhooks) {
        return new Mailgun(mailgun.signingKey(), webhooks.getTimestampTolerance());
    }

    @Singleton
    @Requires(property = "capture.webhooks.sendgrid.public-key")
    SendGrid sendGrid(WebhooksConfiguration.SendGridSettings sendGrid, WebhooksConfiguration webhooks) {
        return new SendGrid(sendGrid.publicKey(), webhooks.getTimestampTolerance());
    }

    @Singleton
    @Requires(property = "capture.webhooks.mandrill.key")
    Mandrill mandrill(WebhooksConfiguration.MandrillSettings mandrill, WebhooksConfiguration webhooks) {
        return new Mandrill(mandrill.key(), WebhooksConfiguration.required(mandrill.url(), "mandrill.url"), webhooks.getTimestampTolerance());
    }

    /** SparkPost is served when it has basic auth credentials or a token. */
    public static final class SparkPostConfigured implements Condition {
        @Override
        @SuppressWarnings("rawtypes") // Micronaut's Condition declares the raw type.
        public boolean matches(ConditionContext context) {
            var resolver = context.getBeanContext() instanceof PropertyResolver r ? r : null;
            return resolver != null && (resolver.containsProperty("capture.webhooks.sparkpost.username")
                    || resolver.containsProperty("capture.webhooks.sparkpost.token"));
        }
    }

    @Singleton
    @Requires(condition = SparkPostConfigured.class)
    SparkPost sparkPost(WebhooksConfiguration.SparkPostSettings sparkPost) {
        return new SparkPost(sparkPost.username(), sparkPost.password(), sparkPost.token());
    }

    /** SNS signing certificates and subscription confirmations over https; a test replaces this bean. */
    @Singleton
    SnsHttp snsHttp() {
        return new SnsHttp();
    }

    @Singleton
    @Requires(property = "capture.webhooks.ses.topic-arns")
    AmazonSes amazonSes(WebhooksConfiguration.SesSettings ses, AmazonSes.Certificates certificates, AmazonSes.Confirmations confirmations) {
        // Pinned certificates on disk, when configured, instead of fetching them from SNS.
        AmazonSes.Certificates source = ses.certificatesDir().isBlank()
                ? certificates
                : new PinnedSnsCertificates(Path.of(ses.certificatesDir()));
        return new AmazonSes(Set.copyOf(ses.topicArns()), ses.maxAge(), source, confirmations,
                new SnsHosts(Set.copyOf(ses.extraRegions().stream().filter(r -> !r.isBlank()).toList())));
    }

    @Singleton
    @Requires(property = "capture.webhooks.postmark.username")
    Postmark postmark(WebhooksConfiguration.PostmarkSettings postmark) {
        return new Postmark(postmark.username(), WebhooksConfiguration.required(postmark.password(), "postmark.password"));
    }
}
