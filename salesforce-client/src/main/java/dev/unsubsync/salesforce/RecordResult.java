package dev.unsubsync.salesforce;

import java.util.Set;

/** One record's result inside a Collections or Bulk save, sorted by what the caller should do about it. */
public sealed interface RecordResult {

    /** Saved. */
    record Saved() implements RecordResult {
    }

    /** Refused for now, will likely succeed when tried again (another transaction holds the row). */
    record Retryable(String statusCode, String message) implements RecordResult {
    }

    /** Refused for good: trying again changes nothing (deleted, no access, validation rule...). */
    record Permanent(String statusCode, String message) implements RecordResult {
    }

    /** Codes that succeed when simply tried again. */
    Set<String> RETRYABLE_CODES = Set.of("UNABLE_TO_LOCK_ROW");

    static RecordResult saved() {
        return new Saved();
    }

    /** A refusal, sorted by its code. */
    static RecordResult refused(String statusCode, String message) {
        return RETRYABLE_CODES.contains(statusCode) ? new Retryable(statusCode, message) : new Permanent(statusCode, message);
    }

    default boolean success() {
        return this instanceof Saved;
    }

    /** Salesforce's code, null when saved. */
    default String statusCode() {
        return switch (this) {
            case Saved s -> null;
            case Retryable r -> r.statusCode();
            case Permanent p -> p.statusCode();
        };
    }

    /** Salesforce's message, null when saved. */
    default String message() {
        return switch (this) {
            case Saved s -> null;
            case Retryable r -> r.message();
            case Permanent p -> p.message();
        };
    }
}
