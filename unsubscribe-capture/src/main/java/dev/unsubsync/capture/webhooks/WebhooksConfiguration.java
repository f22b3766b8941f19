package dev.unsubsync.capture.webhooks;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the provider webhooks, under {@code capture.webhooks.*}. A provider is served only when its secret is set
 * ({@link WebhookFactory}); without it its path answers 404.
 */
@ConfigurationProperties("capture.webhooks")
public class WebhooksConfiguration {

    /** How old a signed call may be (Mailgun, SendGrid, Mandrill timestamps). Default 5 minutes. */
    @NotNull
    private Duration timestampTolerance = Duration.ofMinutes(5);

    public Duration getTimestampTolerance() {
        return timestampTolerance;
    }

    public void setTimestampTolerance(Duration timestampTolerance) {
        this.timestampTolerance = timestampTolerance;
    }

    /** A setting a provider needs once its secret is set, or a start-up error naming it. */
    static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("capture.webhooks." + name + " must be set");
        }
        return value;
    }

    /**
     * {@code capture.webhooks.mailgun.*}.
     *
     * @param signingKey the HTTP webhook signing key from Mailgun's console
     */
    @ConfigurationProperties("mailgun")
    public record MailgunSettings(@Nullable String signingKey) {
    }

    /**
     * {@code capture.webhooks.sendgrid.*}.
     *
     * @param publicKey the Event Webhook's verification key: Base64 SubjectPublicKeyInfo, as SendGrid's console shows it
     */
    @ConfigurationProperties("sendgrid")
    public record SendGridSettings(@Nullable String publicKey) {
    }

    /**
     * {@code capture.webhooks.mandrill.*}.
     *
     * @param key the webhook's key from Mandrill's console
     * @param url the exact URL Mandrill posts to (it signs it); required with the key
     */
    @ConfigurationProperties("mandrill")
    public record MandrillSettings(@Nullable String key, @Nullable String url) {
    }

    /** {@code capture.webhooks.sparkpost.*}: basic auth credentials, or a token SparkPost sends in a header. */
    @ConfigurationProperties("sparkpost")
    public record SparkPostSettings(@Bindable(defaultValue = "") String username, @Bindable(defaultValue = "") String password,
            @Bindable(defaultValue = "") String token) {
    }

    /** {@code capture.webhooks.postmark.*}: the basic auth credentials set on Postmark's webhook. */
    @ConfigurationProperties("postmark")
    public record PostmarkSettings(@Nullable String username, @Nullable String password) {
    }

    /**
     * {@code capture.webhooks.ses.*}: Amazon SES through SNS.
     *
     * @param topicArns       the SNS topics accepted
     * @param maxAge          how old a notification may be; default 1 hour
     * @param certificatesDir a folder of pinned SNS signing certificates, used instead of fetching them; empty to fetch
     * @param extraRegions    regions beyond AWS's public ones whose SNS hosts may serve certificates
     */
    @ConfigurationProperties("ses")
    public record SesSettings(@Nullable List<String> topicArns, @Bindable(defaultValue = "1h") @NotNull Duration maxAge,
            @Bindable(defaultValue = "") String certificatesDir, @Nullable List<String> extraRegions) {
        public SesSettings {
            topicArns = topicArns == null ? List.of() : List.copyOf(topicArns);
            extraRegions = extraRegions == null ? List.of() : List.copyOf(extraRegions);
        }
    }
}
