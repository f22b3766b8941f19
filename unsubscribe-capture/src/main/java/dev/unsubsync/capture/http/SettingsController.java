package dev.unsubsync.capture.http;

import dev.unsubsync.capture.domain.SettingsRequest;
import dev.unsubsync.capture.domain.SettingsService;
import dev.unsubsync.events.SyncSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
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

    @Get(produces = MediaType.APPLICATION_JSON)
    public Settings get() {
        return Settings.of(settings.current());
    }

    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> put(@Nullable @Body SettingsRequest request) {
        if (request == null) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid settings", "the request body must be a JSON object", List.of());
        }
        return HttpResponse.ok(Settings.of(settings.update(request, "api")));
    }
}
