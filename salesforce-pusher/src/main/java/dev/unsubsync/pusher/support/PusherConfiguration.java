package dev.unsubsync.pusher.support;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** Settings of salesforce-pusher, under {@code pusher.*}. */
@ConfigurationProperties("pusher")
public class PusherConfiguration {

    /**
     * Bearer token of the pusher's small read-only API ({@code /v1/salesforce/*}: live field check, field search by
     * label, API allowance), which the admin console uses through capture. Optional: unset (and no keys file), the API
     * answers 401 to everyone.
     */
    @io.micronaut.core.annotation.Nullable
    private String apiToken;

    /** Optional properties file of named API keys with their scopes ({@code name=key scope,scope}), re-read when it changes, as capture's. */
    @io.micronaut.core.annotation.Nullable
    private String apiKeysFile;

    @io.micronaut.core.annotation.Nullable
    public String getApiToken() {
        return apiToken;
    }

    public void setApiToken(@io.micronaut.core.annotation.Nullable String apiToken) {
        this.apiToken = apiToken;
    }

    @io.micronaut.core.annotation.Nullable
    public String getApiKeysFile() {
        return apiKeysFile;
    }

    public void setApiKeysFile(@io.micronaut.core.annotation.Nullable String apiKeysFile) {
        this.apiKeysFile = apiKeysFile;
    }

    /**
     * Whether an unsubscribe that names a Salesforce record also reaches the other Contacts and Leads with the same email
     * (the people directory's). Default true: the recipient asked not to be mailed at that address, and a duplicate
     * Contact must not keep mailing them. False: only the named record (an event without an ID still reaches every
     * record with its email).
     */
    private boolean everyRecordForEmail = true;

    /** How long what a live lookup found by email is remembered, until the people directory lists it. Default 10 min. */
    @NotNull
    private Duration lookupMemory = Duration.ofMinutes(10);

    /**
     * How long a batch that holds a person the people directory does not list keeps gathering, so many such people share
     * one live lookup (SOQL {@code Email IN (...)}) instead of costing a query each. Default 200 ms.
     */
    @NotNull
    private Duration lookupLinger = Duration.ofMillis(200);

    public Duration getLookupLinger() {
        return lookupLinger;
    }

    public void setLookupLinger(Duration lookupLinger) {
        this.lookupLinger = lookupLinger;
    }

    public boolean isEveryRecordForEmail() {
        return everyRecordForEmail;
    }

    public void setEveryRecordForEmail(boolean everyRecordForEmail) {
        this.everyRecordForEmail = everyRecordForEmail;
    }

    /**
     * How long after the reconciler last read Salesforce (its poll, every minute, or a full load) the people directory is
     * still trusted to list every record of a person. Past it (the reconciler stopped, or its directory is off), an
     * unsubscribe that names a record looks up the email's other records live as well. Default 15 min.
     */
    @NotNull
    private Duration directoryMaxAge = Duration.ofMinutes(15);

    public Duration getDirectoryMaxAge() {
        return directoryMaxAge;
    }

    public void setDirectoryMaxAge(Duration directoryMaxAge) {
        this.directoryMaxAge = directoryMaxAge;
    }

    public Duration getLookupMemory() {
        return lookupMemory;
    }

    public void setLookupMemory(Duration lookupMemory) {
        this.lookupMemory = lookupMemory;
    }

    /** Consumer group; every instance of the pusher joins it and takes a share of the partitions. Default {@code salesforce-pusher}. */
    @NotBlank
    private String groupId = "salesforce-pusher";

    /** Most events handled per batch. Default 5,000: 25 Collections calls, two waves of calls in flight. */
    @Min(1)
    @Max(10_000)
    private int maxBatchSize = 5000;

    /** First wait before a batch Salesforce could not take is tried again. Default 1 s; doubles up to {@link #retryMaxBackoff}. */
    @NotNull
    private Duration retryInitialBackoff = Duration.ofSeconds(1);

    /** Longest wait between two tries of a batch. Default 60 s. */
    @NotNull
    private Duration retryMaxBackoff = Duration.ofSeconds(60);

    /** Collections calls in flight at once across a batch. Default 16: with 150 ms per call, up to ~20,000 records/s. */
    @Min(1)
    @Max(64)
    private int maxCallsInFlight = 16;

    /** How long to keep gathering events for a batch after the first arrives. Default 50 ms. */
    @NotNull
    private Duration linger = Duration.ofMillis(50);

    /** How often describe checks the opt-out fields on Contact and Lead. Default 60 s. */
    @NotNull
    private Duration fieldCheckInterval = Duration.ofSeconds(60);

    /** Share of the daily API allowance above which batches are spaced out. Default 0.9. */
    @DecimalMin(value = "0", inclusive = false)
    @DecimalMax(value = "1", inclusive = false)
    private double allowanceSlowdownShare = 0.9;

    /** Pause before each batch when usage reaches the allowance (growing linearly from the share). Default 30 s. */
    @NotNull
    private Duration allowanceMaxPause = Duration.ofSeconds(30);

    public double getAllowanceSlowdownShare() {
        return allowanceSlowdownShare;
    }

    public void setAllowanceSlowdownShare(double allowanceSlowdownShare) {
        this.allowanceSlowdownShare = allowanceSlowdownShare;
    }

    public Duration getAllowanceMaxPause() {
        return allowanceMaxPause;
    }

    public void setAllowanceMaxPause(Duration allowanceMaxPause) {
        this.allowanceMaxPause = allowanceMaxPause;
    }

    /**
     * How long a written event is remembered, so the same event delivered again spends no API call (a new event for
     * the same person is always written). Default 10 minutes; 0 disables.
     */
    @NotNull
    private Duration recentWritesTtl = Duration.ofMinutes(10);

    public Duration getRecentWritesTtl() {
        return recentWritesTtl;
    }

    public void setRecentWritesTtl(Duration recentWritesTtl) {
        this.recentWritesTtl = recentWritesTtl;
    }

    public int getMaxCallsInFlight() {
        return maxCallsInFlight;
    }

    public void setMaxCallsInFlight(int maxCallsInFlight) {
        this.maxCallsInFlight = maxCallsInFlight;
    }

    public Duration getLinger() {
        return linger;
    }

    public void setLinger(Duration linger) {
        this.linger = linger;
    }

    public Duration getFieldCheckInterval() {
        return fieldCheckInterval;
    }

    public void setFieldCheckInterval(Duration fieldCheckInterval) {
        this.fieldCheckInterval = fieldCheckInterval;
    }

    public String getGroupId() {
        return groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public Duration getRetryInitialBackoff() {
        return retryInitialBackoff;
    }

    public void setRetryInitialBackoff(Duration retryInitialBackoff) {
        this.retryInitialBackoff = retryInitialBackoff;
    }

    public Duration getRetryMaxBackoff() {
        return retryMaxBackoff;
    }

    public void setRetryMaxBackoff(Duration retryMaxBackoff) {
        this.retryMaxBackoff = retryMaxBackoff;
    }
}
