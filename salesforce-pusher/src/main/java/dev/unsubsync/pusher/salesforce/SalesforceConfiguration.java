package dev.unsubsync.pusher.salesforce;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;

/** How to reach Salesforce, under {@code salesforce.*}. */
@ConfigurationProperties("salesforce")
public class SalesforceConfiguration {

    /**
     * Where the OAuth token endpoint lives: the org's My Domain URL (e.g. {@code https://acme.my.salesforce.com}), or
     * the emulator's address locally. API calls then go to the {@code instance_url} the token response names.
     */
    @NotBlank(message = "salesforce.login-url must be set (SALESFORCE_LOGIN_URL): the org's My Domain URL, e.g. https://acme.my.salesforce.com")
    @Pattern(regexp = "https?://[^/]+/?", message = "salesforce.login-url must be a base URL such as https://acme.my.salesforce.com, with no path")
    private String loginUrl;

    /** Connected app consumer key (required; SALESFORCE_CLIENT_ID). */
    @NotBlank(message = "salesforce.client-id must be set (SALESFORCE_CLIENT_ID): the connected app's consumer key")
    private String clientId;

    /** Connected app consumer secret (required; SALESFORCE_CLIENT_SECRET). */
    @NotBlank(message = "salesforce.client-secret must be set (SALESFORCE_CLIENT_SECRET): the connected app's consumer secret")
    private String clientSecret;

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

    public String getLoginUrl() {
        return loginUrl;
    }

    public void setLoginUrl(String loginUrl) {
        this.loginUrl = loginUrl.endsWith("/") ? loginUrl.substring(0, loginUrl.length() - 1) : loginUrl;
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
