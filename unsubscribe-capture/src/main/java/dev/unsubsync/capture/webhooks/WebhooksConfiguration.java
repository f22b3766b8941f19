package dev.unsubsync.capture.webhooks;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
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

    /** {@code capture.webhooks.mailgun.*}. */
    @ConfigurationProperties("mailgun")
    public static class MailgunSettings {
        /** The HTTP webhook signing key from Mailgun's console. */
        private String signingKey;

        public String getSigningKey() {
            return signingKey;
        }

        public void setSigningKey(String signingKey) {
            this.signingKey = signingKey;
        }
    }

    /** {@code capture.webhooks.sendgrid.*}. */
    @ConfigurationProperties("sendgrid")
    public static class SendGridSettings {
        /** The Event Webhook's verification key: Base64 SubjectPublicKeyInfo, as SendGrid's console shows it. */
        private String publicKey;

        public String getPublicKey() {
            return publicKey;
        }

        public void setPublicKey(String publicKey) {
            this.publicKey = publicKey;
        }
    }

    /** {@code capture.webhooks.mandrill.*}. */
    @ConfigurationProperties("mandrill")
    public static class MandrillSettings {
        /** The webhook's key from Mandrill's console. */
        private String key;
        /** The exact URL Mandrill posts to (it signs it); required with the key. */
        private String url;

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }
    }

    /** {@code capture.webhooks.sparkpost.*}: basic auth credentials, or a token SparkPost sends in a header. */
    @ConfigurationProperties("sparkpost")
    public static class SparkPostSettings {
        private String username = "";
        private String password = "";
        private String token = "";

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getToken() {
            return token;
        }

        public void setToken(String token) {
            this.token = token;
        }
    }

    /** {@code capture.webhooks.postmark.*}: the basic auth credentials set on Postmark's webhook. */
    @ConfigurationProperties("postmark")
    public static class PostmarkSettings {
        private String username;
        private String password;

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** {@code capture.webhooks.ses.*}: Amazon SES through SNS. */
    @ConfigurationProperties("ses")
    public static class SesSettings {
        /** The SNS topics accepted. */
        private List<String> topicArns = List.of();
        /** How old a notification may be. Default 1 hour. */
        @NotNull
        private Duration maxAge = Duration.ofHours(1);
        /** A folder of pinned SNS signing certificates, used instead of fetching them; empty to fetch. */
        private String certificatesDir = "";
        /** Regions beyond AWS's public ones whose SNS hosts may serve certificates. */
        private List<String> extraRegions = List.of();

        public List<String> getTopicArns() {
            return topicArns;
        }

        public void setTopicArns(List<String> topicArns) {
            this.topicArns = topicArns;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }

        public String getCertificatesDir() {
            return certificatesDir;
        }

        public void setCertificatesDir(String certificatesDir) {
            this.certificatesDir = certificatesDir;
        }

        public List<String> getExtraRegions() {
            return extraRegions;
        }

        public void setExtraRegions(List<String> extraRegions) {
            this.extraRegions = extraRegions;
        }
    }
}
