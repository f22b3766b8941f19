package dev.unsubsync.emulator.domain;

import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;

/** The org's record IDs: numbered as it creates them, and parsed from a request as Salesforce does. */
final class OrgIds {

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private OrgIds() {
    }

    /** The 18-character ID of the org's {@code n}-th record of a type with key prefix {@code prefix}. */
    static String numbered(String prefix, long n) {
        char[] digits = new char[10];
        for (int i = 9; i >= 0; i--) {
            digits[i] = ALPHABET.charAt((int) (n % ALPHABET.length()));
            n /= ALPHABET.length();
        }
        return SalesforceId.of(prefix, "Dn" + new String(digits)).to18();
    }

    /** A request's ID; one that is not an ID answers {@code MALFORMED_ID}. */
    static SalesforceId parse(String raw) {
        try {
            return SalesforceId.parse(raw);
        } catch (InvalidSalesforceIdException e) {
            throw SalesforceException.malformedId(raw);
        }
    }

    /** A request's ID of a record of {@code type}; one of another type, or not an ID, answers {@code MALFORMED_ID}. */
    static SalesforceId parse(String raw, SObjectType type) {
        SalesforceId id = parse(raw);
        if (!id.prefix().equals(type.prefix())) {
            throw SalesforceException.malformedId(raw);
        }
        return id;
    }
}
