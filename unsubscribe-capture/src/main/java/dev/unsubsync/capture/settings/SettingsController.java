package dev.unsubsync.capture.settings;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.http.ApiFilter;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.util.List;

/** {@code GET}/{@code PUT /v1/settings}: the unsubscribe sync settings every service follows. */
@Controller("/v1/settings")
@SerdeImport(SettingsRequest.class)
// Saving waits for Kafka's acknowledgement.
@ExecuteOn(TaskExecutors.BLOCKING)
public class SettingsController {

    /** The settings as the API shows them. */
    @Serdeable
    public record Settings(boolean nightlySyncEnabled, boolean syncToEmailOptOut, boolean syncToMarketoSalesOptOut,
            String marketoSalesOptOutField, String nightlyTime, String nightlyZone,
            @Nullable String updatedAt, @Nullable String updatedBy) {

        static Settings of(SyncSettings s) {
            return new Settings(s.getNightlySyncEnabled(), s.getSyncToEmailOptOut(), s.getSyncToMarketoSalesOptOut(),
                    s.getMarketoSalesOptOutField(), s.getNightlyTime(), s.getNightlyZone(),
                    s.getUpdatedAt() == null ? null : s.getUpdatedAt().toString(), s.getUpdatedBy());
        }
    }

    private final SettingsService settings;

    public SettingsController(SettingsService settings) {
        this.settings = settings;
    }

    /** The settings in force; {@code ETag} is their version, for an {@code If-Match} on the change. */
    @Operation(summary = "The sync settings in force; ETag is their version", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The settings",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Settings.class)))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.READ)
    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> get() {
        if (!settings.read()) {
            // The defaults are not the settings: an ETag of them would make a conditional change apply to the wrong thing.
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "settings-not-read", "Settings not read yet",
                    "the stored settings have not been read yet (is the schema registry reachable?)", null).header("Retry-After", "5");
        }
        SyncSettings now = settings.current();
        return HttpResponse.ok(Settings.of(now)).header("ETag", etag(now));
    }

    /**
     * Changes the settings: fields left out keep their stored value. With {@code If-Match} (the {@code ETag} of a
     * {@code GET}), only if nobody changed them since (412 otherwise); 503 while the stored settings are not read yet.
     */
    @Operation(summary = "Change the sync settings (fields left out keep their value); If-Match makes it conditional",
            security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The settings now in force",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Settings.class)))
    @ApiResponse(responseCode = "412", description = "Changed by someone else since the ETag sent in If-Match",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.ADMIN)
    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> put(HttpRequest<?> http, @Nullable @Body SettingsRequest request, @Nullable @Header("If-Match") String ifMatch) {
        if (request == null) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid settings", "the request body must be a JSON object", List.of());
        }
        String expected = ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*") ? null : ifMatch.trim().replace("\"", "");
        try {
            SyncSettings saved = settings.update(request, http.getAttribute(ApiFilter.CALLER, String.class).orElseThrow(), expected);
            return HttpResponse.ok(Settings.of(saved)).header("ETag", etag(saved));
        } catch (SettingsConflictException e) {
            if (e.notReadYet()) {
                return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "settings-not-read", "Settings not read yet", e.getMessage(), null)
                        .header("Retry-After", "5");
            }
            return Problem.response(HttpStatus.PRECONDITION_FAILED, "settings-changed", "Settings changed meanwhile", e.getMessage(), null)
                    .header("ETag", "\"" + e.currentVersion() + "\"");
        }
    }

    private static String etag(SyncSettings settings) {
        return "\"" + SettingsService.version(settings) + "\"";
    }
}
