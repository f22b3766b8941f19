package dev.unsubsync.capture.support;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.annotation.PostConstruct;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Settings of unsubscribe-capture, under {@code capture.*}. */
// Created and validated at start-up, so a missing or invalid setting stops the service before it serves anything.
@Context
@ConfigurationProperties("capture")
public class CaptureConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureConfiguration.class);

    /**
     * Bearer token every {@code /v1} request must carry (required; set {@code CAPTURE_API_TOKEN}). The local profile
     * sets {@code local-dev-token}.
     */
    private String apiToken;

    /**
     * Longest a request waits for Kafka to acknowledge its event before answering 503. Default 10 s; keep it below the
     * callers' own HTTP timeout.
     */
    @NotNull
    private Duration publishTimeout = Duration.ofSeconds(10);

    /** How far in the future an {@code occurredAt} may lie before it is refused, for clock skew. Default 5 minutes. */
    @NotNull
    private Duration maxClockSkew = Duration.ofMinutes(5);

    /**
     * The service's signing secret (at least 32 characters; CAPTURE_SIGNING_SECRET): keys one-click links, console
     * sessions and the calls instances make to each other, each through a key derived for that use. Changing it
     * invalidates links already sent (and signs everyone out), so rotate it only with a grace period. The local profile
     * sets a fixed one.
     */
    private String signingSecret;

    /** The signing secret's name before 2026-12-08 ({@code capture.one-click-secret}, CAPTURE_ONE_CLICK_SECRET), still read. */
    private String oneClickSecret;

    /** The public base URL one-click links point at, e.g. {@code https://unsubscribe.example.com}. Default the local address. */
    @NotBlank
    private String publicUrl = "http://127.0.0.1:8080";

    /** Names every missing or unusable secret at once, rather than one per restart. */
    @PostConstruct
    void requireSecrets() {
        List<String> problems = new ArrayList<>();
        if (apiToken == null || apiToken.isBlank()) {
            problems.add("capture.api-token must be set (environment variable CAPTURE_API_TOKEN): the bearer token API clients send");
        }
        if ((signingSecret == null || signingSecret.isBlank()) && oneClickSecret != null && !oneClickSecret.isBlank()) {
            LOG.warn("capture.one-click-secret (CAPTURE_ONE_CLICK_SECRET) is the old name of capture.signing-secret (CAPTURE_SIGNING_SECRET): rename it");
            signingSecret = oneClickSecret;
        }
        if (signingSecret == null || signingSecret.isBlank()) {
            problems.add("capture.signing-secret must be set (CAPTURE_SIGNING_SECRET): at least 32 random characters that sign one-click links,"
                    + " console sessions and calls between instances");
        } else if (signingSecret.length() < 32) {
            problems.add("capture.signing-secret must be at least 32 characters, was " + signingSecret.length());
        }
        if (adminSessionTtl != null && adminSessionTtl.compareTo(Duration.ofDays(1)) > 0) {
            // console-sessions-ended keeps logouts two days: a longer session could outlive the record of its logout.
            problems.add("capture.admin-session-ttl must be at most 1 day, was " + adminSessionTtl);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Missing or invalid settings:\n  " + String.join("\n  ", problems));
        }
    }

    /** The nightly reconciler's base URL, for the admin console's sync status and "Run now" (optional: without it those panels say so). */
    @io.micronaut.core.annotation.Nullable
    private String reconcilerUrl;

    /** The pusher's base URL, for the console's field check, pusher health and API allowance (optional, as above). */
    @io.micronaut.core.annotation.Nullable
    private String pusherUrl;

    /** Bearer token capture sends to the reconciler and the pusher for the console. Default: {@code capture.api-token}. */
    @io.micronaut.core.annotation.Nullable
    private String servicesToken;

    /**
     * How capture instances reach each other for a forwarded history query or a share of the daily counts: {@code http}
     * (default) or {@code https} where the instances serve TLS. Either way they show their own credential, never a caller's.
     */
    @Pattern(regexp = "https?")
    private String peerScheme = "http";

    /**
     * Where the other instances reach this one for forwarded history queries (the pod's IP on Kubernetes,
     * {@code CAPTURE_ADVERTISED_HOST}). Default: the address the server binds to, right only when that is not a wildcard.
     */
    private String advertisedHost = "";

    /** The pusher's consumer group, for its lag and parked counts on the console. Default {@code salesforce-pusher}. */
    @NotBlank
    private String pusherGroupId = "salesforce-pusher";

    public String getAdvertisedHost() {
        return advertisedHost;
    }

    public void setAdvertisedHost(String advertisedHost) {
        this.advertisedHost = advertisedHost == null ? "" : advertisedHost;
    }

    public String getPusherGroupId() {
        return pusherGroupId;
    }

    public void setPusherGroupId(String pusherGroupId) {
        this.pusherGroupId = pusherGroupId;
    }

    public String getPeerScheme() {
        return peerScheme;
    }

    public void setPeerScheme(String peerScheme) {
        this.peerScheme = peerScheme;
    }

    /** How long a console login lasts. Default 8 hours; at most 1 day. */
    @NotNull
    private Duration adminSessionTtl = Duration.ofHours(8);

    @io.micronaut.core.annotation.Nullable
    public String getReconcilerUrl() {
        return reconcilerUrl;
    }

    public void setReconcilerUrl(@io.micronaut.core.annotation.Nullable String reconcilerUrl) {
        this.reconcilerUrl = reconcilerUrl;
    }

    @io.micronaut.core.annotation.Nullable
    public String getPusherUrl() {
        return pusherUrl;
    }

    public void setPusherUrl(@io.micronaut.core.annotation.Nullable String pusherUrl) {
        this.pusherUrl = pusherUrl;
    }

    /** The token for the other services: {@code capture.services-token}, else {@code capture.api-token}. */
    public String getServicesToken() {
        return servicesToken == null || servicesToken.isBlank() ? apiToken : servicesToken;
    }

    public void setServicesToken(@io.micronaut.core.annotation.Nullable String servicesToken) {
        this.servicesToken = servicesToken;
    }

    public Duration getAdminSessionTtl() {
        return adminSessionTtl;
    }

    public void setAdminSessionTtl(Duration adminSessionTtl) {
        this.adminSessionTtl = adminSessionTtl;
    }

    /**
     * Optional properties file of named API keys with their scopes ({@code name=key ingest,read}; {@code admin} too), one
     * per upstream system; re-read when it changes, so keys rotate without a restart, and removing a line (or the file)
     * revokes. The key's name is recorded as the origin of every event it sends.
     */
    @io.micronaut.core.annotation.Nullable
    private String apiKeysFile;

    @io.micronaut.core.annotation.Nullable
    public String getApiKeysFile() {
        return apiKeysFile;
    }

    public void setApiKeysFile(@io.micronaut.core.annotation.Nullable String apiKeysFile) {
        this.apiKeysFile = apiKeysFile;
    }

    public String getSigningSecret() {
        return signingSecret;
    }

    public void setSigningSecret(String signingSecret) {
        this.signingSecret = signingSecret;
    }

    public String getOneClickSecret() {
        return oneClickSecret;
    }

    public void setOneClickSecret(String oneClickSecret) {
        this.oneClickSecret = oneClickSecret;
    }

    public String getPublicUrl() {
        return publicUrl;
    }

    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public String getApiToken() {
        return apiToken;
    }

    public void setApiToken(String apiToken) {
        this.apiToken = apiToken;
    }

    public Duration getPublishTimeout() {
        return publishTimeout;
    }

    public void setPublishTimeout(Duration publishTimeout) {
        this.publishTimeout = publishTimeout;
    }

    public Duration getMaxClockSkew() {
        return maxClockSkew;
    }

    public void setMaxClockSkew(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
    }
}
