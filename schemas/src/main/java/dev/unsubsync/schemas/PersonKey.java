package dev.unsubsync.schemas;

import java.util.Locale;

/**
 * The Kafka key of a person's events: the email address, trimmed and lower-cased.
 *
 * <p>The sales side knows a person by email address; a Salesforce ID may arrive later or not at all, so the email is the
 * one identity every event carries. Keying by it keeps a person's record and later removal on one partition, in order.
 */
public final class PersonKey {

    private PersonKey() {
    }

    /** The key for an email address. */
    public static String of(String email) {
        if (email == null || email.isBlank()) {
            throw new IllegalArgumentException("email must not be blank");
        }
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
