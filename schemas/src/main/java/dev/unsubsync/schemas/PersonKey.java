package dev.unsubsync.schemas;

import com.ibm.icu.text.IDNA;
import java.util.Locale;

/**
 * The Kafka key of a person's events: the email address, trimmed, its domain normalised by UTS #46 (IDNA2008,
 * non-transitional: Unicode labels to their {@code xn--} ASCII form, {@code ß} kept as itself rather than turned into
 * {@code ss} as IDNA2003 did) and everything lower-cased. The address itself is always kept as received; only the key is
 * normalised, and never more than this: {@code +tags} and dots stay, since suppressing too narrowly would mail someone
 * who asked not to be (RFC 5321 domains are case-insensitive; lower-casing the local part is common practice).
 *
 * <p>The sales side knows a person by email address; a Salesforce ID may arrive later or not at all, so the email is the
 * one identity every event carries. Keying by it keeps a person's record and later removal on one partition, in order.
 */
public final class PersonKey {

    /** UTS #46, non-transitional both ways, with the IDNA2008 bidi and context rules checked. */
    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE
            | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.CHECK_CONTEXTO);

    private PersonKey() {
    }

    /** The key for an email address. */
    public static String of(String email) {
        if (email == null || email.isBlank()) {
            throw new IllegalArgumentException("email must not be blank");
        }
        String trimmed = email.trim();
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            return trimmed.toLowerCase(Locale.ROOT);
        }
        return trimmed.substring(0, at).toLowerCase(Locale.ROOT) + "@" + asciiDomain(trimmed.substring(at + 1)).toLowerCase(Locale.ROOT);
    }

    /**
     * A domain in its ASCII (UTS #46) form; unchanged when it is ASCII already or cannot be converted (the address is
     * then refused by validation, and a key is still needed for what is already on a topic).
     */
    public static String asciiDomain(String domain) {
        if (isPlainAscii(domain)) {
            // Nothing to convert (UTS #46 leaves ASCII labels as they are, but for case), and a conversion costs per call.
            return domain;
        }
        StringBuilder ascii = new StringBuilder(domain.length() + 16);
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToASCII(domain, ascii, info);
        return info.hasErrors() ? domain : ascii.toString();
    }

    /** A domain in its Unicode (UTS #46) form, as people write it; unchanged when it cannot be converted. */
    public static String unicodeDomain(String domain) {
        StringBuilder unicode = new StringBuilder(domain.length());
        IDNA.Info info = new IDNA.Info();
        UTS46.nameToUnicode(domain, unicode, info);
        return info.hasErrors() ? domain : unicode.toString();
    }

    /**
     * An address (or key) as logs may show it: the first character of the local part, then {@code ***}, then the domain
     * ({@code a***@example.com}). Enough to tell people apart in an incident, not to read their addresses out of a log.
     */
    public static String masked(String email) {
        if (email == null || email.isEmpty()) {
            return String.valueOf(email);
        }
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return email.charAt(0) + "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    private static boolean isPlainAscii(String domain) {
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            // Fullwidth and ideographic dots are non-ASCII too: UTS #46 maps them to '.'.
            if (c >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
