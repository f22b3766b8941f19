package dev.unsubsync.schemas;

import java.util.Objects;
import java.util.Optional;

/**
 * A Salesforce record ID, always held in its 18-character, case-insensitive-safe form.
 *
 * <p>Salesforce's 15-character IDs are case-sensitive; the 18-character form appends a checksum of the case of the
 * first 15. Compare IDs only in this form.
 */
public final class SalesforceId {

    /** Key prefix of Contact IDs. */
    public static final String CONTACT_PREFIX = "003";
    /** Key prefix of Lead IDs. */
    public static final String LEAD_PREFIX = "00Q";

    private static final String CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private final String value;

    private SalesforceId(String value) {
        this.value = value;
    }

    /**
     * Parses a 15- or 18-character ID. An 18-character ID must carry the right checksum for its first 15 characters.
     *
     * @throws InvalidSalesforceIdException when it is not a well-formed ID
     */
    public static SalesforceId parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new InvalidSalesforceIdException("must not be empty");
        }
        if (raw.length() != 15 && raw.length() != 18) {
            throw new InvalidSalesforceIdException("must be 15 or 18 characters, was " + raw.length());
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alnum) {
                throw new InvalidSalesforceIdException("must contain only letters and digits, found '" + c + "' at position " + (i + 1));
            }
        }
        String base = raw.substring(0, 15);
        String expected = base + checksum(base);
        if (raw.length() == 18 && !raw.substring(15).equalsIgnoreCase(expected.substring(15))) {
            throw new InvalidSalesforceIdException("checksum '" + raw.substring(15) + "' does not match the ID (expected '" + expected.substring(15) + "')");
        }
        return new SalesforceId(expected);
    }

    /** Parses an ID that must name a Contact or a Lead. */
    public static SalesforceId parsePerson(String raw) {
        SalesforceId id = parse(raw);
        if (id.personObjectType().isEmpty()) {
            throw new InvalidSalesforceIdException("must be a Contact (prefix 003) or Lead (prefix 00Q) ID, prefix was " + id.prefix());
        }
        return id;
    }

    /** Builds an ID from a 3-character key prefix and a 12-character record number, adding the checksum. */
    public static SalesforceId of(String prefix, String number) {
        if (prefix.length() != 3 || number.length() != 12) {
            throw new InvalidSalesforceIdException("prefix must be 3 and number 12 characters");
        }
        return parse(prefix + number);
    }

    /** The 3-character checksum of a 15-character ID. */
    static String checksum(String base15) {
        StringBuilder suffix = new StringBuilder(3);
        for (int group = 0; group < 3; group++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = base15.charAt(group * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            suffix.append(CHECKSUM_ALPHABET.charAt(bits));
        }
        return suffix.toString();
    }

    /** The 3-character key prefix, which names the object type. */
    public String prefix() {
        return value.substring(0, 3);
    }

    /** {@code Contact} or {@code Lead} when the prefix is one of theirs. */
    public Optional<String> personObjectType() {
        return switch (prefix()) {
            case CONTACT_PREFIX -> Optional.of("Contact");
            case LEAD_PREFIX -> Optional.of("Lead");
            default -> Optional.empty();
        };
    }

    /** The 15-character, case-sensitive form. */
    public String to15() {
        return value.substring(0, 15);
    }

    /** The 18-character form. */
    public String to18() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SalesforceId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
