package dev.unsubsync.emulator.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who the emulated org and its one integration user are: what the identity URL, the OpenID Connect UserInfo endpoint,
 * the {@code User} record and the {@code Organization} row answer. Fixed values, so the local run's answers never change.
 */
public final class Identity {

    /** The org's 18-character ID. */
    public static final String ORG_ID = Tokens.ORG_ID + "AAA";
    /** The integration user's 15- and 18-character IDs. */
    public static final String USER_ID_15 = "005Dn0000000001";
    public static final String USER_ID = USER_ID_15 + "AAA";
    /**
     * A Salesforce user who edits records in Salesforce's own pages (the admin fixtures of {@link UserEdits} act as
     * them): their changes carry this {@code LastModifiedById}, the API's carry {@link #USER_ID}.
     */
    public static final String SALES_USER_ID = "005Dn0000000002AAA";
    public static final String USERNAME = "integration@unsubsync.example";
    public static final String USER_NAME = "Integration User";
    public static final String EMAIL = "integration@unsubsync.example";
    public static final String ORG_NAME = "Unsubscribe Sync Emulator";
    public static final String INSTANCE_NAME = "EMU1";

    private Identity() {
    }

    /** The REST URLs of the org, with {@code version} (e.g. {@code 62.0}) or the literal {@code {version}}. */
    public static Map<String, Object> urls(String instanceUrl, String version) {
        String v = version == null ? "{version}" : version;
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put("enterprise", instanceUrl + "/services/Soap/c/" + v + "/" + Tokens.ORG_ID);
        urls.put("metadata", instanceUrl + "/services/Soap/m/" + v + "/" + Tokens.ORG_ID);
        urls.put("partner", instanceUrl + "/services/Soap/u/" + v + "/" + Tokens.ORG_ID);
        urls.put("rest", instanceUrl + "/services/data/v" + v + "/");
        urls.put("sobjects", instanceUrl + "/services/data/v" + v + "/sobjects/");
        urls.put("search", instanceUrl + "/services/data/v" + v + "/search/");
        urls.put("query", instanceUrl + "/services/data/v" + v + "/query/");
        urls.put("recent", instanceUrl + "/services/data/v" + v + "/recent/");
        urls.put("profile", instanceUrl + "/" + USER_ID);
        urls.put("users", instanceUrl + "/services/data/v" + v + "/chatter/users");
        urls.put("custom_domain", instanceUrl);
        return urls;
    }

    /** What the identity URL ({@code /id/{org}/{user}}) answers. */
    public static Map<String, Object> identity(String instanceUrl, String version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", instanceUrl + "/id/" + ORG_ID + "/" + USER_ID);
        body.put("asserted_user", true);
        body.put("user_id", USER_ID);
        body.put("organization_id", ORG_ID);
        body.put("username", USERNAME);
        body.put("nick_name", "integration");
        body.put("display_name", USER_NAME);
        body.put("email", EMAIL);
        body.put("email_verified", true);
        body.put("first_name", "Integration");
        body.put("last_name", "User");
        body.put("timezone", "Etc/UTC");
        body.put("photos", Map.of("picture", instanceUrl + "/img/userprofile/default_profile_200_v2.png",
                "thumbnail", instanceUrl + "/img/userprofile/default_profile_45_v2.png"));
        body.put("active", true);
        body.put("user_type", "STANDARD");
        body.put("language", "en_US");
        body.put("locale", "en_US");
        body.put("utcOffset", 0);
        body.put("urls", urls(instanceUrl, version));
        return body;
    }

    /** What the OpenID Connect UserInfo endpoint ({@code /services/oauth2/userinfo}) answers. */
    public static Map<String, Object> userInfo(String instanceUrl) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", instanceUrl + "/id/" + ORG_ID + "/" + USER_ID);
        body.put("user_id", USER_ID);
        body.put("organization_id", ORG_ID);
        body.put("preferred_username", USERNAME);
        body.put("nickname", "integration");
        body.put("name", USER_NAME);
        body.put("email", EMAIL);
        body.put("email_verified", true);
        body.put("given_name", "Integration");
        body.put("family_name", "User");
        body.put("zoneinfo", "Etc/UTC");
        body.put("profile", instanceUrl + "/" + USER_ID);
        body.put("picture", instanceUrl + "/img/userprofile/default_profile_200_v2.png");
        body.put("active", true);
        body.put("user_type", "STANDARD");
        body.put("language", "en_US");
        body.put("locale", "en_US");
        body.put("utcOffset", 0);
        body.put("urls", urls(instanceUrl, null));
        return body;
    }

    /** The integration user's {@code User} record, as {@code GET /sobjects/User/{id}} answers it (fields only). */
    public static Map<String, Object> userRecord() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("Id", USER_ID);
        user.put("Username", USERNAME);
        user.put("Name", USER_NAME);
        user.put("FirstName", "Integration");
        user.put("LastName", "User");
        user.put("Email", EMAIL);
        user.put("IsActive", true);
        user.put("UserType", "Standard");
        user.put("TimeZoneSidKey", "GMT");
        user.put("LocaleSidKey", "en_US");
        user.put("LanguageLocaleKey", "en_US");
        return user;
    }

    /** The org's one {@code Organization} row (fields only). */
    public static Map<String, Object> organization() {
        Map<String, Object> org = new LinkedHashMap<>();
        org.put("Id", ORG_ID);
        org.put("Name", ORG_NAME);
        org.put("IsSandbox", false);
        org.put("InstanceName", INSTANCE_NAME);
        org.put("OrganizationType", "Developer Edition");
        org.put("NamespacePrefix", null);
        org.put("TrialExpirationDate", null);
        org.put("LanguageLocaleKey", "en_US");
        org.put("TimeZoneSidKey", "GMT");
        org.put("DefaultLocaleSidKey", "en_US");
        org.put("Country", null);
        return org;
    }
}
