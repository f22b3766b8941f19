package dev.unsubsync.capture.domain;

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
public record UnsubscribeRequest(String email, String salesforceId, String source,
                                 String provider, String scope, String occurredAt,
                                 String reason, String upstreamEventId, String topic) {
}
