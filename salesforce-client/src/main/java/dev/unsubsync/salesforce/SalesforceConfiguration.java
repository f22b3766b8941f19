package dev.unsubsync.salesforce;

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

/** How to reach Salesforce, under {@code salesforce.*}. */
// Created and validated at start-up, so a missing or invalid setting stops the service before it serves anything.
@Context
@ConfigurationProperties("salesforce")
public class SalesforceConfiguration {

    /**
     * Where the OAuth token endpoint lives: the org's My Domain URL (e.g. {@code https://acme.my.salesforce.com}), or
     * the emulator's address locally. API calls then go to the {@code instance_url} the token response names.
     */
    @Pattern(regexp = "|https?://[^/]+/?", message = "salesforce.login-url must be a base URL such as https://acme.my.salesforce.com, with no path")
    private String loginUrl;

    /** Connected app consumer key (required; SALESFORCE_CLIENT_ID). */
    private String clientId;

    /** Connected app consumer secret (required for client credentials; SALESFORCE_CLIENT_SECRET). */
    private String clientSecret;

    /** How the service authenticates to Salesforce. */
    public enum AuthFlow {
        /** OAuth 2.0 client credentials: consumer key and secret, the connected app runs as its integration user. */
        CLIENT_CREDENTIALS,
        /** OAuth 2.0 JWT bearer: an assertion signed with the connected app's private key, for {@code jwt-username}. */
        JWT_BEARER
    }

    /** {@code client-credentials} (default) or {@code jwt-bearer}. */
    @NotNull
    private AuthFlow authFlow = AuthFlow.CLIENT_CREDENTIALS;

    /** JWT bearer: the connected app's private key, PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
    private String jwtPrivateKey;

    /** JWT bearer: the Salesforce username to act as ({@code sub}). */
    private String jwtUsername;

    /** JWT bearer: {@code aud}; {@code https://login.salesforce.com} (default) or {@code https://test.salesforce.com} for sandboxes. */
    @NotBlank
    private String jwtAudience = "https://login.salesforce.com";

    /** REST API version. Default {@code v62.0}. */
    @NotBlank
    @Pattern(regexp = "v\\d{2}\\.0", message = "salesforce.api-version must look like v62.0")
    private String apiVersion = "v62.0";

    /** Longest wait for one Salesforce response. Default 30 s. */
    @NotNull
    private Duration requestTimeout = Duration.ofSeconds(30);

    /** Longest wait to open a connection. Default 5 s. */
    @NotNull
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** Names every required setting that is missing at once, rather than one per restart. */
    @PostConstruct
    public void requireSettings() {
        List<String> missing = new ArrayList<>();
        if (loginUrl == null || loginUrl.isBlank()) {
            missing.add("salesforce.login-url (SALESFORCE_LOGIN_URL): the org's My Domain URL, e.g. https://acme.my.salesforce.com");
        }
        if (clientId == null || clientId.isBlank()) {
            missing.add("salesforce.client-id (SALESFORCE_CLIENT_ID): the connected app's consumer key");
        }
        if (authFlow == AuthFlow.CLIENT_CREDENTIALS && (clientSecret == null || clientSecret.isBlank())) {
            missing.add("salesforce.client-secret (SALESFORCE_CLIENT_SECRET): the connected app's consumer secret");
        }
        if (authFlow == AuthFlow.JWT_BEARER && (jwtPrivateKey == null || jwtPrivateKey.isBlank())) {
            missing.add("salesforce.jwt-private-key (SALESFORCE_JWT_PRIVATE_KEY): the connected app's private key, PEM PKCS#8");
        }
        if (authFlow == AuthFlow.JWT_BEARER && (jwtUsername == null || jwtUsername.isBlank())) {
            missing.add("salesforce.jwt-username (SALESFORCE_JWT_USERNAME): the Salesforce user to act as");
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("Missing required settings:\n  " + String.join("\n  ", missing));
        }
    }

    /** Longest wait for a Bulk API 2.0 job to complete. Default 30 minutes. */
    @NotNull
    private Duration bulkJobTimeout = Duration.ofMinutes(30);

    /** Longest pause between two polls of a Bulk job (polls start at 100 ms and double). Default 5 s. */
    @NotNull
    private Duration bulkPollInterval = Duration.ofSeconds(5);

    public Duration getBulkJobTimeout() {
        return bulkJobTimeout;
    }

    public void setBulkJobTimeout(Duration bulkJobTimeout) {
        this.bulkJobTimeout = bulkJobTimeout;
    }

    public Duration getBulkPollInterval() {
        return bulkPollInterval;
    }

    public void setBulkPollInterval(Duration bulkPollInterval) {
        this.bulkPollInterval = bulkPollInterval;
    }

    public String getLoginUrl() {
        return loginUrl;
    }

    public void setLoginUrl(String loginUrl) {
        this.loginUrl = loginUrl == null || !loginUrl.endsWith("/") ? loginUrl : loginUrl.substring(0, loginUrl.length() - 1);
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

    public AuthFlow getAuthFlow() {
        return authFlow;
    }

    public void setAuthFlow(AuthFlow authFlow) {
        this.authFlow = authFlow;
    }

    public String getJwtPrivateKey() {
        return jwtPrivateKey;
    }

    public void setJwtPrivateKey(String jwtPrivateKey) {
        this.jwtPrivateKey = jwtPrivateKey;
    }

    public String getJwtUsername() {
        return jwtUsername;
    }

    public void setJwtUsername(String jwtUsername) {
        this.jwtUsername = jwtUsername;
    }

    public String getJwtAudience() {
        return jwtAudience;
    }

    public void setJwtAudience(String jwtAudience) {
        this.jwtAudience = jwtAudience;
    }

    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }
}
