package dev.unsubsync.salesforce;

import java.util.List;

/**
 * One record to update in Salesforce: set each of {@code fields} to {@code true} on {@code objectType} {@code id}.
 * Only {@code true} is ever written: resubscribes are never synced.
 */
public record RecordUpdate(String objectType, String id, List<String> fields) {

    public RecordUpdate {
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an update must set at least one field");
        }
    }
}
