package dev.unsubsync.emulator.domain;

import java.util.List;

/** A per-record failure inside a save, as Salesforce reports it: {@code {"statusCode", "message", "fields"}}. */
public record RecordError(String statusCode, String message, List<String> fields) {

    public RecordError {
        fields = List.copyOf(fields);
    }

    /** The same failure as a whole-request error, for single-record endpoints. */
    public SalesforceException asRequestError() {
        int status = switch (statusCode) {
            case "ENTITY_IS_DELETED", "NOT_FOUND" -> 404;
            case "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY" -> 403;
            default -> 400;
        };
        return new SalesforceException(status, statusCode, message, fields);
    }
}
