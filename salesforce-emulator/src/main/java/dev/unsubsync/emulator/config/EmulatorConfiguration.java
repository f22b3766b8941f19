package dev.unsubsync.emulator.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PostConstruct;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings of the emulated org, under {@code emulator.*}. */
// Created and validated at start-up, so a missing or invalid setting stops the service before it serves anything.
@Context
@ConfigurationProperties("emulator")
public class EmulatorConfiguration {

    /** OAuth client id of the connected app (required; the local profile sets {@code local-client}). */
    private String clientId;

    /** OAuth client secret of the connected app (required; the local profile sets {@code local-secret}). */
    private String clientSecret;

    /** How long an access token stays valid. Default 2 hours, as a Salesforce session's default timeout. */
    @NotNull
    private Duration tokenTtl = Duration.ofHours(2);

    /** The {@code instance_url} handed out with tokens; by default the emulator's own address. */
    @Nullable
    private String instanceUrl;

    /** Daily API request allowance ({@code DailyApiRequests.Max}). Default 15,000, a Developer Edition org's. */
    @Min(1)
    private long dailyApiRequests = 15_000;

    /** Whether the sales-insight package (and so the Marketo Sales Opt Out field) is installed. Default true. */
    private boolean marketoFieldInstalled = true;

    /** API name of the Marketo Sales Opt Out field. Default {@code Marketo_Sales_Opt_Out__c}. */
    @NotBlank
    @Pattern(regexp = "[A-Za-z][A-Za-z0-9_]*__c", message = "emulator.marketo-field-name must be a custom field API name ending in __c")
    private String marketoFieldName = "Marketo_Sales_Opt_Out__c";

    /** Number of sample Contacts seeded at start-up. Default 20. */
    @Min(0)
    private int seedContacts = 20;

    /** Number of sample Leads seeded at start-up. Default 10. */
    @Min(0)
    private int seedLeads = 10;

    /**
     * Certificate or public key (PEM) of the connected app, for the JWT bearer flow. Unset: the flow is refused
     * ({@code unsupported_grant_type}).
     */
    @Nullable
    private String jwtPublicKey;

    /** The user the JWT bearer flow may act as ({@code sub}). Default {@code integration@example.com}. */
    @NotBlank
    private String jwtUsername = "integration@example.com";

    /** Accepted {@code aud} values. Default Salesforce's login hosts. */
    @NotNull
    private List<String> jwtAudiences = List.of("https://login.salesforce.com", "https://test.salesforce.com");

    @Nullable
    public String getJwtPublicKey() {
        return jwtPublicKey;
    }

    public void setJwtPublicKey(@Nullable String jwtPublicKey) {
        this.jwtPublicKey = jwtPublicKey;
    }

    public String getJwtUsername() {
        return jwtUsername;
    }

    public void setJwtUsername(String jwtUsername) {
        this.jwtUsername = jwtUsername;
    }

    public List<String> getJwtAudiences() {
        return jwtAudiences;
    }

    public void setJwtAudiences(List<String> jwtAudiences) {
        this.jwtAudiences = jwtAudiences;
    }

    /** Latency added to every data API call from start-up (also settable through {@code /__admin/faults}). Default none. */
    @NotNull
    private Duration faultLatency = Duration.ZERO;

    /** Share (0..1) of data API calls that fail whole from start-up. Default 0. */
    @DecimalMin("0")
    @DecimalMax("1")
    private double faultFailShare;

    /** Status of those failures: 503 {@code SERVER_UNAVAILABLE} (default) or 500 {@code UNKNOWN_EXCEPTION}. */
    @Pattern(regexp = "500|503", message = "emulator.fault-fail-status must be 500 or 503")
    private String faultFailStatus = "503";

    public Duration getFaultLatency() {
        return faultLatency;
    }

    public void setFaultLatency(Duration faultLatency) {
        this.faultLatency = faultLatency;
    }

    public double getFaultFailShare() {
        return faultFailShare;
    }

    public void setFaultFailShare(double faultFailShare) {
        this.faultFailShare = faultFailShare;
    }

    public int getFaultFailStatus() {
        return Integer.parseInt(faultFailStatus);
    }

    public void setFaultFailStatus(String faultFailStatus) {
        this.faultFailStatus = faultFailStatus;
    }

    /** Names every missing credential at once. */
    @PostConstruct
    void requireCredentials() {
        List<String> missing = new ArrayList<>();
        if (clientId == null || clientId.isBlank()) {
            missing.add("emulator.client-id (EMULATOR_CLIENT_ID): the OAuth client id the emulator accepts");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            missing.add("emulator.client-secret (EMULATOR_CLIENT_SECRET): the OAuth client secret the emulator accepts");
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("Missing required settings (the local profile sets local-client / local-secret):\n  "
                    + String.join("\n  ", missing));
        }
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public Duration getTokenTtl() {
        return tokenTtl;
    }

    public void setTokenTtl(Duration tokenTtl) {
        this.tokenTtl = tokenTtl;
    }

    @Nullable
    public String getInstanceUrl() {
        return instanceUrl;
    }

    public void setInstanceUrl(@Nullable String instanceUrl) {
        this.instanceUrl = instanceUrl;
    }

    public long getDailyApiRequests() {
        return dailyApiRequests;
    }

    public void setDailyApiRequests(long dailyApiRequests) {
        this.dailyApiRequests = dailyApiRequests;
    }

    public boolean isMarketoFieldInstalled() {
        return marketoFieldInstalled;
    }

    public void setMarketoFieldInstalled(boolean marketoFieldInstalled) {
        this.marketoFieldInstalled = marketoFieldInstalled;
    }

    public String getMarketoFieldName() {
        return marketoFieldName;
    }

    public void setMarketoFieldName(String marketoFieldName) {
        this.marketoFieldName = marketoFieldName;
    }

    public int getSeedContacts() {
        return seedContacts;
    }

    public void setSeedContacts(int seedContacts) {
        this.seedContacts = seedContacts;
    }

    public int getSeedLeads() {
        return seedLeads;
    }

    public void setSeedLeads(int seedLeads) {
        this.seedLeads = seedLeads;
    }
}
