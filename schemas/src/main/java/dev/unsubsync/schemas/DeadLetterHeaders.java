package dev.unsubsync.schemas;

/** Header names carried by every record on a dead-letter topic. Values are UTF-8 strings. */
public final class DeadLetterHeaders {

    /** Topic the record was consumed from. */
    public static final String ORIGINAL_TOPIC = "dlt.original.topic";
    /** Partition the record was consumed from. */
    public static final String ORIGINAL_PARTITION = "dlt.original.partition";
    /** Offset the record was consumed at. */
    public static final String ORIGINAL_OFFSET = "dlt.original.offset";
    /** Why it was dead-lettered: a Salesforce error code, or {@code UNREADABLE_RECORD} for a record that cannot be decoded. */
    public static final String REASON_CODE = "dlt.reason.code";
    /** Human-readable explanation (Salesforce's message, or the decoding error). */
    public static final String REASON_MESSAGE = "dlt.reason.message";
    /** Service that dead-lettered it. */
    public static final String SERVICE = "dlt.service";

    private DeadLetterHeaders() {
    }
}
