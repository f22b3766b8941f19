package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.SalesforceId;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * What the people directory asks Salesforce and how it reads the answers: the SOQL of a full load and of an incremental
 * poll, a row as a {@link SalesforceRecord}, the watermark arithmetic, and when a full load is due. No I/O.
 */
@FrameworkFree
public final class DirectoryReads {

    /** Salesforce's datetimes: {@code 2026-12-01T04:00:00.000+0000} (REST) or {@code …000Z} (Bulk CSV). */
    private static final DateTimeFormatter SALESFORCE_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX][XX]");
    /** A SOQL datetime literal: whole seconds, UTC. */
    private static final DateTimeFormatter SOQL_LITERAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private DirectoryReads() {
    }

    /** The fields read for each record; the Marketo field only where it is read. */
    public static String fields(String objectType, String marketoField, boolean withDeleted) {
        StringBuilder fields = new StringBuilder("Id, Email, HasOptedOutOfEmail, SystemModstamp, LastModifiedById");
        if (marketoField != null) {
            fields.append(", ").append(marketoField);
        }
        if (objectType.equals("Lead")) {
            fields.append(", IsConverted, ConvertedContactId");
        }
        if (withDeleted) {
            fields.append(", IsDeleted");
        }
        return fields.toString();
    }

    /** Every record of the object, for a full load through Bulk API 2.0 (deleted ones are not returned). */
    public static String fullLoad(String objectType, String marketoField) {
        return "SELECT " + fields(objectType, marketoField, false) + " FROM " + objectType;
    }

    /**
     * Records changed (or deleted: read with {@code queryAll}) since the watermark minus the overlap, oldest first; every
     * record when there is no watermark yet.
     */
    public static String changedSince(String objectType, String marketoField, Instant watermark, Duration overlap) {
        String soql = "SELECT " + fields(objectType, marketoField, true) + " FROM " + objectType;
        if (watermark != null) {
            // Truncated to the second, so the literal is one Salesforce accepts and the window only grows.
            soql += " WHERE SystemModstamp > " + SOQL_LITERAL.format(watermark.minus(overlap).truncatedTo(ChronoUnit.SECONDS));
        }
        return soql + " ORDER BY SystemModstamp";
    }

    /**
     * A datetime as Salesforce writes it; empty when there is none or it cannot be read. Read by hand in the two layouts
     * Salesforce uses ({@code 2026-12-01T04:00:00.000+0000} in REST, {@code …000Z} in Bulk CSV): a formatter with optional
     * sections copies its parse state at every section, and was a third of a full load's time.
     */
    public static Optional<Instant> dateTime(Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        Instant fast = fastDateTime(t);
        if (fast != null) {
            return Optional.of(fast);
        }
        try {
            return Optional.of(OffsetDateTime.parse(t, SALESFORCE_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.SSS](Z|±hhmm|±hh:mm)}, or null for anything else. */
    private static Instant fastDateTime(String t) {
        if (t.length() < 20 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int at = 19;
        int millis = 0;
        if (t.charAt(at) == '.') {
            if (t.length() < 24) {
                return null;
            }
            millis = digits(t, 20, 23);
            at = 23;
        }
        int offsetSeconds;
        char sign = t.charAt(at);
        if (sign == 'Z' && t.length() == at + 1) {
            offsetSeconds = 0;
        } else if ((sign == '+' || sign == '-') && (t.length() == at + 5 || t.length() == at + 6 && t.charAt(at + 3) == ':')) {
            int hours = digits(t, at + 1, at + 3);
            int minutes = digits(t, t.length() - 2, t.length());
            if (hours < 0 || minutes < 0) {
                return null;
            }
            offsetSeconds = (sign == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 7);
        int day = digits(t, 8, 10);
        int hour = digits(t, 11, 13);
        int minute = digits(t, 14, 16);
        int second = digits(t, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || millis < 0) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds, millis * 1_000_000L);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code t[from, to)}, or -1 when it is not all digits. */
    private static int digits(String t, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Whether a REST boolean ({@code true}) or a Bulk CSV one ({@code "true"}) is set. */
    public static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || value instanceof String text && text.equalsIgnoreCase("true");
    }

    /**
     * A row read from Salesforce as the directory keeps it; empty when its Id is unusable.
     *
     * @param row          field name → value (REST JSON values or Bulk CSV strings)
     * @param marketoField the Marketo field read, or null
     */
    /**
     * A row as a record; {@code integrationUser} (our own user's ID, null when unknown) marks a record whose last change
     * was our own write.
     */
    public static Optional<SalesforceRecord> record(String objectType, Map<String, ?> row, String marketoField, String loadId, String integrationUser) {
        String id;
        try {
            id = SalesforceId.parse(String.valueOf(row.get("Id"))).to18();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Object email = row.get("Email");
        Object converted = row.get("ConvertedContactId");
        String convertedId = null;
        if (converted instanceof String text && !text.isBlank()) {
            try {
                convertedId = SalesforceId.parse(text).to18();
            } catch (IllegalArgumentException e) {
                convertedId = null;
            }
        }
        // The all-arguments constructor: a builder validates and copies every field, per row of a million-row load.
        return Optional.of(new SalesforceRecord(id, objectType, email instanceof String text && !text.isBlank() ? text : null,
                isTrue(row.get("HasOptedOutOfEmail")), marketoField == null ? null : isTrue(row.get(marketoField)), isTrue(row.get("IsConverted")),
                convertedId, dateTime(row.get("SystemModstamp")).orElse(null), loadId, false, sameUser(row.get("LastModifiedById"), integrationUser)));
    }

    /** Whether a {@code LastModifiedById} names {@code user} (15 or 18 characters, either way). */
    static boolean sameUser(Object lastModifiedBy, String user) {
        return user != null && lastModifiedBy instanceof String by && by.length() >= 15 && user.length() >= 15
                && by.regionMatches(0, user, 0, 15);
    }

    /** The record as its person's directory entry lists it (the fields the directory keeps). */
    public static DirectoryEntry entry(SalesforceRecord record) {
        return DirectoryEntry.newBuilder()
                .setId(record.getId())
                .setObjectType(record.getObjectType())
                .setEmail(record.getEmail())
                .setEmailOptOut(record.getEmailOptOut())
                .setMarketoSalesOptOut(record.getMarketoSalesOptOut())
                .setIsConverted(record.getIsConverted())
                .setConvertedContactId(record.getConvertedContactId())
                .setSystemModstamp(record.getSystemModstamp())
                .build();
    }

    /**
     * A 64-bit fingerprint of what a record says (every field but the load that read it), never 0: a full load that reads
     * a record with the fingerprint {@code salesforce-records} already holds for it has nothing to write. A collision
     * (odds of 2^-64 for a changed record) would keep that one change out of the directory until the record changes again.
     */
    public static long fingerprint(SalesforceRecord record) {
        long h = 0xCBF29CE484222325L;
        h = mix(h, record.getId());
        h = mix(h, record.getObjectType());
        h = mix(h, record.getEmail());
        Boolean marketo = record.getMarketoSalesOptOut();
        h = mix(h, (record.getEmailOptOut() ? 1 : 0) | (marketo == null ? 2 : marketo ? 4 : 0) | (record.getIsConverted() ? 8 : 0));
        h = mix(h, record.getConvertedContactId());
        h = mix(h, record.getSystemModstamp() == null ? Long.MIN_VALUE : record.getSystemModstamp().toEpochMilli());
        // A final avalanche, so that near-identical records (one flag apart) differ in every bit.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    private static long mix(long h, String text) {
        if (text == null) {
            return mix(h, -1L);
        }
        // The length first, so that ("ab", "c") and ("a", "bc") differ; then four characters to a step.
        h = mix(h, (long) text.length());
        int length = text.length();
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            h = mix(h, (long) text.charAt(i) | (long) text.charAt(i + 1) << 16 | (long) text.charAt(i + 2) << 32 | (long) text.charAt(i + 3) << 48);
        }
        long rest = 0;
        for (int shift = 0; i < length; i++, shift += 16) {
            rest |= (long) text.charAt(i) << shift;
        }
        return mix(h, rest);
    }

    private static long mix(long h, long value) {
        h = (h ^ value) * 0x9E3779B97F4A7C15L;
        return h ^ h >>> 29;
    }

    /**
     * Where the poll goes on from after a full load of one object: no later than when its Bulk query started, whatever the
     * newest SystemModstamp it read. A record edited while the job ran, in a part already read, has a SystemModstamp after
     * the start and is read by the next poll; with the newest SystemModstamp read as the watermark it was missed by every
     * poll until the next full load.
     */
    public static Instant fullLoadWatermark(Instant newestRead, Instant queryStarted) {
        return newestRead != null && newestRead.isBefore(queryStarted) ? newestRead : queryStarted;
    }

    /** The later of two watermarks (either may be null). */
    public static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /**
     * Whether a full load is due: never loaded, a nightly run started after the last load began, or the last load is older
     * than {@code every}.
     */
    public static boolean fullLoadDue(DirectoryState state, Optional<Instant> lastRunStarted, Instant now, Duration every) {
        if (state == null || state.getFullLoadId() == null || state.getFullLoadStartedAt() == null) {
            return true;
        }
        if (lastRunStarted.isPresent() && lastRunStarted.get().isAfter(state.getFullLoadStartedAt())) {
            return true;
        }
        return !now.isBefore(state.getFullLoadStartedAt().plus(every));
    }
}
