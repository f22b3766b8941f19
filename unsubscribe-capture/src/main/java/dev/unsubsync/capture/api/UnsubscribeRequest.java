package dev.unsubsync.capture.api;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.NOT_REQUIRED;
import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import dev.unsubsync.kit.FrameworkFree;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An unsubscribe as an API client submits it; any field may be missing. Every field is text here so that each mistake
 * can be named precisely.
 *
 * @param email           the address that unsubscribed (required)
 * @param salesforceId    15- or 18-character Contact ({@code 003}) or Lead ({@code 00Q}) ID (optional)
 * @param source          how it arrived: link_click, one_click, provider_webhook, manual, api, salesforce_sync (required)
 * @param provider        the email provider, required when source is provider_webhook
 * @param scope           all_email (default) or sales_email
 * @param occurredAt      ISO-8601 instant it happened (optional; default now)
 * @param reason          free text (optional)
 * @param upstreamEventId the sender's own event id (optional)
 * @param topic           the list, group or topic unsubscribed from (optional; absent means all email)
 */
// The OpenAPI contract's annotations: which fields a request must carry (the others may be left out).
@FrameworkFree
public record UnsubscribeRequest(@Schema(requiredMode = REQUIRED) String email, @Schema(requiredMode = NOT_REQUIRED) String salesforceId,
        @Schema(requiredMode = REQUIRED) String source, @Schema(requiredMode = NOT_REQUIRED) String provider,
        @Schema(requiredMode = NOT_REQUIRED) String scope, @Schema(requiredMode = NOT_REQUIRED) String occurredAt,
        @Schema(requiredMode = NOT_REQUIRED) String reason, @Schema(requiredMode = NOT_REQUIRED) String upstreamEventId,
        @Schema(requiredMode = NOT_REQUIRED) String topic) {
}
