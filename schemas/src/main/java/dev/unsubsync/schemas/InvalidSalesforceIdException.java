package dev.unsubsync.schemas;

/** A string is not a valid Salesforce record ID. The message says why, in words fit for an API error. */
public class InvalidSalesforceIdException extends IllegalArgumentException {

    public InvalidSalesforceIdException(String message) {
        super(message);
    }
}
