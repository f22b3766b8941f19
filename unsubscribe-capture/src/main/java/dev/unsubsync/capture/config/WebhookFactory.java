package dev.unsubsync.capture.config;

import dev.unsubsync.capture.domain.webhooks.AmazonSes;
import dev.unsubsync.capture.domain.webhooks.Mailgun;
import dev.unsubsync.capture.domain.webhooks.Mandrill;
import dev.unsubsync.capture.domain.webhooks.Postmark;
import dev.unsubsync.capture.domain.webhooks.SendGrid;
import dev.unsubsync.capture.domain.webhooks.SnsHttp;
import dev.unsubsync.capture.domain.webhooks.SparkPost;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
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
    Mailgun mailgun(@Value("${capture.webhooks.mailgun.signing-key}") String signingKey,
                    @Value("${capture.webhooks.timestamp-tolerance:5m}") Duration tolerance) {
        return new Mailgun(signingKey, tolerance);
    }

    @Singleton
    @Requires(property = "capture.webhooks.sendgrid.public-key")
    SendGrid sendGrid(@Value("${capture.webhooks.sendgrid.public-key}") String publicKey,
                      @Value("${capture.webhooks.timestamp-tolerance:5m}") Duration tolerance) {
        return new SendGrid(publicKey, tolerance);
    }

    @Singleton
    @Requires(property = "capture.webhooks.mandrill.key")
    Mandrill mandrill(@Value("${capture.webhooks.mandrill.key}") String key, @Value("${capture.webhooks.mandrill.url}") String url,
                      @Value("${capture.webhooks.timestamp-tolerance:5m}") Duration tolerance) {
        return new Mandrill(key, url, tolerance);
    }

    /** SparkPost is served when it has basic auth credentials or a token. */
    public static final class SparkPostConfigured implements io.micronaut.context.condition.Condition {
        @Override
        @SuppressWarnings("rawtypes") // Micronaut's Condition declares the raw type.
        public boolean matches(io.micronaut.context.condition.ConditionContext context) {
            var resolver = context.getBeanContext() instanceof io.micronaut.core.value.PropertyResolver r ? r : null;
            return resolver != null && (resolver.containsProperty("capture.webhooks.sparkpost.username")
                    || resolver.containsProperty("capture.webhooks.sparkpost.token"));
        }
    }

    @Singleton
    @Requires(condition = SparkPostConfigured.class)
    SparkPost sparkPost(@Value("${capture.webhooks.sparkpost.username:}") String username, @Value("${capture.webhooks.sparkpost.password:}") String password,
                        @Value("${capture.webhooks.sparkpost.token:}") String token) {
        return new SparkPost(username, password, token);
    }

    /** SNS signing certificates and subscription confirmations over https; a test replaces this bean. */
    @Singleton
    SnsHttp snsHttp() {
        return new SnsHttp();
    }

    @Singleton
    @Requires(property = "capture.webhooks.ses.topic-arns")
    AmazonSes amazonSes(@Value("${capture.webhooks.ses.topic-arns}") List<String> topicArns,
                        @Value("${capture.webhooks.ses.max-age:1h}") Duration maxAge,
                        @Value("${capture.webhooks.ses.certificates-dir:}") String certificatesDir,
                        @Value("${capture.webhooks.ses.extra-regions:}") List<String> extraRegions,
                        AmazonSes.Certificates certificates, AmazonSes.Confirmations confirmations) {
        // Pinned certificates on disk, when configured, instead of fetching them from SNS.
        AmazonSes.Certificates source = certificatesDir.isBlank() ? certificates
                : new dev.unsubsync.capture.domain.webhooks.PinnedSnsCertificates(java.nio.file.Path.of(certificatesDir));
        return new AmazonSes(Set.copyOf(topicArns), maxAge, source, confirmations,
                new dev.unsubsync.capture.domain.webhooks.SnsHosts(Set.copyOf(extraRegions.stream().filter(r -> !r.isBlank()).toList())));
    }

    @Singleton
    @Requires(property = "capture.webhooks.postmark.username")
    Postmark postmark(@Value("${capture.webhooks.postmark.username}") String username,
                      @Value("${capture.webhooks.postmark.password}") String password) {
        return new Postmark(username, password);
    }
}
