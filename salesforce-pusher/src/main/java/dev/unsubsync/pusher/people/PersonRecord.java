package dev.unsubsync.pusher.people;

import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.SalesforceId;

/**
 * A Contact or Lead an unsubscribe is written to.
 *
 * @param id         the 18-character Salesforce ID
 * @param objectType Contact or Lead
 */
@FrameworkFree
public record PersonRecord(String id, String objectType) {

    /** The record an ID names; its type from the ID's prefix. */
    public static PersonRecord of(String id) {
        SalesforceId parsed = SalesforceId.parse(id);
        return new PersonRecord(parsed.to18(), parsed.personObjectType().orElseThrow(
                () -> new IllegalArgumentException(id + " is not a Contact (003) or Lead (00Q) ID")));
    }

    /**
     * Where an unsubscribe to this record goes: a converted Lead refuses updates, so its Contact is written instead.
     *
     * @param converted          whether the record is a converted Lead
     * @param convertedContactId its Contact, when converted
     */
    public static PersonRecord writable(String id, boolean converted, String convertedContactId) {
        return converted && convertedContactId != null && !convertedContactId.isBlank() ? of(convertedContactId) : of(id);
    }
}
