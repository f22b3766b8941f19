package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.config.EmulatorConfiguration;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.Tokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;

/**
 * Who the token belongs to, as Salesforce answers it: the identity URL the token response names
 * ({@code GET /id/{orgId}/{userId}}) and the OpenID Connect UserInfo endpoint ({@code GET /services/oauth2/userinfo}).
 * Both need the access token ({@code Authorization: Bearer} or {@code oauth_token}); a bad one is a 403 {@code Bad_OAuth_Token}
 * as Salesforce's identity service answers it.
 */
@Controller
public class IdentityController {

    private final Tokens tokens;
    private final EmulatorConfiguration config;

    public IdentityController(Tokens tokens, EmulatorConfiguration config) {
        this.tokens = tokens;
        this.config = config;
    }

    @Get(value = "/id/{org}/{user}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> identity(HttpRequest<?> request, @PathVariable String org, @PathVariable String user,
            @Nullable @QueryValue String version, @Nullable @QueryValue("oauth_token") String oauthToken) {
        if (!authorized(request, oauthToken)) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body("Bad_OAuth_Token");
        }
        if (!sameId(org, Identity.ORG_ID) || !sameId(user, Identity.USER_ID)) {
            return HttpResponse.notFound().body("Bad_Id");
        }
        String v = version == null ? null : version.equals("latest") ? "62.0" : version;
        return HttpResponse.ok(Identity.identity(Sessions.instanceUrl(config, request), v));
    }

    @Get(value = "/services/oauth2/userinfo", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> userInfo(HttpRequest<?> request, @Nullable @QueryValue("oauth_token") String oauthToken) {
        if (!authorized(request, oauthToken)) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body("Bad_OAuth_Token");
        }
        return HttpResponse.ok(Identity.userInfo(Sessions.instanceUrl(config, request)));
    }

    private boolean authorized(HttpRequest<?> request, @Nullable String oauthToken) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String token = authorization != null ? Sessions.token(authorization) : oauthToken;
        return token != null && tokens.isValid(token);
    }

    /** A 15- or 18-character ID names the same record as the 18-character one when its first 15 characters match. */
    private static boolean sameId(String given, String id18) {
        return (given.length() == 15 || given.length() == 18) && id18.startsWith(given.substring(0, 15))
                && (given.length() == 15 || given.equalsIgnoreCase(id18));
    }
}
