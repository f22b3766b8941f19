package dev.unsubsync.emulator.domain;

import java.util.List;

/**
 * A request Salesforce refuses as a whole: answered with {@code status} and the top-level error body
 * {@code [{"message", "errorCode", "fields"}]}.
 */
public class SalesforceException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final List<String> fields;

    public SalesforceException(int status, String errorCode, String message, List<String> fields) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.fields = List.copyOf(fields);
    }

    public SalesforceException(int status, String errorCode, String message) {
        this(status, errorCode, message, List.of());
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public List<String> fields() {
        return fields;
    }

    public static SalesforceException notFound() {
        return new SalesforceException(404, "NOT_FOUND", "The requested resource does not exist");
    }

    public static SalesforceException entityDeleted() {
        return new SalesforceException(404, "ENTITY_IS_DELETED", "entity is deleted");
    }

    public static SalesforceException malformedId(String id) {
        return new SalesforceException(400, "MALFORMED_ID", "malformed id " + id);
    }
}
