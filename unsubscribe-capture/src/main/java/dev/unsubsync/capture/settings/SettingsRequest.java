package dev.unsubsync.capture.settings;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.NOT_REQUIRED;

import dev.unsubsync.kit.FrameworkFree;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Settings as an admin submits them. A field left out keeps its current value.
 *
 * @param nightlySyncEnabled       run the nightly bidirectional sync
 * @param syncToEmailOptOut        sync to Email Opt Out (HasOptedOutOfEmail)
 * @param syncToMarketoSalesOptOut sync to the Marketo Sales Opt Out custom field
 * @param marketoSalesOptOutField  its API name in this org, ending in {@code __c}
 * @param nightlyTime              HH:mm
 * @param nightlyZone              IANA zone, e.g. America/Los_Angeles
 */
// The OpenAPI contract's annotations: every field may be left out.
@FrameworkFree
public record SettingsRequest(@Schema(requiredMode = NOT_REQUIRED) Boolean nightlySyncEnabled, @Schema(requiredMode = NOT_REQUIRED) Boolean syncToEmailOptOut,
        @Schema(requiredMode = NOT_REQUIRED) Boolean syncToMarketoSalesOptOut,
        @Schema(requiredMode = NOT_REQUIRED) String marketoSalesOptOutField, @Schema(requiredMode = NOT_REQUIRED) String nightlyTime,
        @Schema(requiredMode = NOT_REQUIRED) String nightlyZone) {
}
