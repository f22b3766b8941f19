package dev.unsubsync.capture.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** Settings of unsubscribe-capture, under {@code capture.*}. */
// Created and validated at start-up, so a missing or invalid setting stops the service before it serves anything.
@Context
@ConfigurationProperties("capture")
public class CaptureConfiguration {

    /**
     * Bearer token every {@code /v1} request must carry (required; set {@code CAPTURE_API_TOKEN}). The local profile
     * sets {@code local-dev-token}.
     */
    @NotBlank(message = "capture.api-token must be set (environment variable CAPTURE_API_TOKEN): the bearer token API clients send")
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
