package dev.unsubsync.capture.domain;

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
public record SettingsRequest(Boolean nightlySyncEnabled, Boolean syncToEmailOptOut, Boolean syncToMarketoSalesOptOut,
                              String marketoSalesOptOutField, String nightlyTime, String nightlyZone) {
}
