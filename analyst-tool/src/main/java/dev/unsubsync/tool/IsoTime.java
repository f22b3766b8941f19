package dev.unsubsync.tool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Epoch milliseconds as {@link Instant#toString()} writes them, without its formatter (a dump writes millions). An
 * instance remembers the last second it formatted, which records close in time share; it belongs to one thread.
 */
final class IsoTime {

    private static final long MIN = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private final byte[] text = new byte[24];
    private long lastSecond = Long.MIN_VALUE;

    static String of(long millis) {
        if (millis < MIN || millis > MAX) {
            return Instant.ofEpochMilli(millis).toString();
        }
        IsoTime time = new IsoTime();
        int length = time.format(millis);
        return new String(time.text, 0, length, StandardCharsets.US_ASCII);
    }

    /** Writes the instant as a JSON string. */
    void write(long millis, JsonOut out) {
        if (millis < MIN || millis > MAX) {
            out.string(Instant.ofEpochMilli(millis).toString());
            return;
        }
        int length = format(millis);
        out.raw('"').raw(text, 0, length).raw('"');
    }

    /** Fills {@link #text} with the instant, which is in years 1 to 9999; returns its length. */
    private int format(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        int ms = (int) Math.floorMod(millis, 1000L);
        if (second != lastSecond) {
            long day = Math.floorDiv(millis, 86_400_000L);
            int inDay = (int) Math.floorMod(millis, 86_400_000L);
            LocalDate date = LocalDate.ofEpochDay(day);
            digits(0, date.getYear(), 4);
            text[4] = '-';
            digits(5, date.getMonthValue(), 2);
            text[7] = '-';
            digits(8, date.getDayOfMonth(), 2);
            text[10] = 'T';
            digits(11, inDay / 3_600_000, 2);
            text[13] = ':';
            digits(14, inDay / 60_000 % 60, 2);
            text[16] = ':';
            digits(17, inDay / 1000 % 60, 2);
            lastSecond = second;
        }
        if (ms == 0) {
            text[19] = 'Z';
            return 20;
        }
        text[19] = '.';
        digits(20, ms, 3);
        text[23] = 'Z';
        return 24;
    }

    private void digits(int at, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            text[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
