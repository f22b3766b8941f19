package dev.unsubsync.capture.console;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.support.RateLimits;
import dev.unsubsync.kit.http.Problem;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin console's login: {@code POST /admin/session} with an API key opens a session (an HttpOnly, SameSite=Strict
 * cookie, Secure behind https) for a key with the {@code admin} scope, {@code GET} says who is logged in,
 * {@code DELETE} logs out on every instance. {@code /admin} sends the
 * browser to the console.
 */
@Controller
public class AdminSessionController {

    /** The login form's body. */
    @Serdeable
    public record Login(@Nullable String apiKey) {
    }

    /** Who is logged in. */
    @Serdeable
    public record Who(String name) {
    }

    private final AdminSessions sessions;
    private final RateLimits limits;

    public AdminSessionController(AdminSessions sessions, RateLimits limits) {
        this.sessions = sessions;
        this.limits = limits;
    }

    /** {@code /admin} and {@code /admin/} (one route to the router) open the console's page. */
    @Operation(summary = "The console: redirects to its page")
    @ApiResponse(responseCode = "301", description = "To /admin/index.html")
    @Get("/admin")
    public HttpResponse<?> console() {
        return HttpResponse.redirect(URI.create("/admin/index.html"));
    }

    @Operation(summary = "Log in to the console with an admin API key; sets the session cookie")
    @ApiResponse(responseCode = "200", description = "Logged in",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Who.class)))
    @ApiResponse(responseCode = "400", description = "No API key given",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "401", description = "Not a valid API key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "403", description = "The key lacks the admin scope",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", description = "Too many login attempts on this instance",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @Post(value = "/admin/session", consumes = {MediaType.APPLICATION_JSON, MediaType.APPLICATION_FORM_URLENCODED}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> login(HttpRequest<?> request, @Nullable @Body Login login) {
        // All logins on this instance share one bucket of the API's per-key limit: a bound on a runaway client, not a
        // defence against guessing (keys are at least 16 random characters; that is the defence).
        Optional<Duration> wait = limits.acquire("console-login");
        if (wait.isPresent()) {
            return Problem.response(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many login attempts", "try again in a moment", null)
                    .header(HttpHeaders.RETRY_AFTER, "1");
        }
        if (login == null || login.apiKey() == null || login.apiKey().isBlank()) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "API key required", "enter the API key to log in with", null);
        }
        return switch (sessions.open(login.apiKey().trim())) {
            case AdminSessions.Login.Opened opened -> HttpResponse.ok(new Who(opened.name())).cookie(cookie(request, opened.token(), opened.ttl()));
            case AdminSessions.Login.NotAdmin refused -> Problem.response(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", refused.detail(), null);
            case AdminSessions.Login.Unknown unknown ->
                Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "that API key is not valid", null);
        };
    }

    @Operation(summary = "Who is logged in to the console")
    @ApiResponse(responseCode = "200", description = "The session's key name",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Who.class)))
    @ApiResponse(responseCode = "401", description = "Not logged in",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @Get(value = "/admin/session", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> who(HttpRequest<?> request) {
        return request.getCookies().findCookie(AdminSessions.COOKIE).flatMap(c -> sessions.check(c.getValue()))
                .<HttpResponse<?>>map(session -> HttpResponse.ok(new Who(session.caller().name())))
                .orElseGet(() -> Problem.response(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "not logged in", null));
    }

    /**
     * Logs out: the session is recorded as ended, durably, so every instance refuses it from then on (a copy of the
     * cookie kept elsewhere is worthless too), and the browser's cookie is cleared. 503 when the record could not be
     * made durable: the session is then still valid, and the console says so.
     */
    @Operation(summary = "Log out of the console: the session ends on every instance")
    @ApiResponse(responseCode = "204", description = "Logged out; the cookie is cleared")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", description = "The logout could not be recorded; the session is still valid",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @Delete("/admin/session")
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> logout(HttpRequest<?> request) {
        Optional<AdminSessions.Session> session = request.getCookies().findCookie(AdminSessions.COOKIE).flatMap(c -> sessions.check(c.getValue()));
        if (session.isPresent()) {
            try {
                sessions.end(session.get());
            } catch (EventNotDurableException e) {
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Logout not recorded",
                        "the logout could not be recorded (" + e.getMessage() + "); the session is still valid: try again", null)
                        .header(HttpHeaders.RETRY_AFTER, "5");
            }
        }
        return HttpResponse.noContent().cookie(cookie(request, "", Duration.ZERO));
    }

    private static Cookie cookie(HttpRequest<?> request, String value, Duration ttl) {
        boolean https = request.isSecure() || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
        return Cookie.of(AdminSessions.COOKIE, value).path("/").httpOnly(true).secure(https).sameSite(SameSite.Strict).maxAge(ttl);
    }
}
