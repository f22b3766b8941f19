package dev.unsubsync.tool;

import java.time.Instant;
import java.time.LocalDate;

/** Epoch milliseconds as {@link Instant#toString()} writes them, without its formatter (a dump writes millions). */
final class IsoTime {

    private static final long MIN = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private IsoTime() {
    }

    /** The last second formatted, per thread: records close in time share it. */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, null});

    static String of(long millis) {
        if (millis < MIN || millis > MAX) {
            return Instant.ofEpochMilli(millis).toString();
        }
        long second = Math.floorDiv(millis, 1000L);
        int ms = (int) Math.floorMod(millis, 1000L);
        Object[] last = LAST.get();
        if ((Long) last[0] == second) {
            char[] prefix = (char[]) last[1];
            if (ms == 0) {
                return new String(prefix, 0, 19) + "Z";
            }
            char[] text = java.util.Arrays.copyOf(prefix, 24);
            text[19] = '.';
            digits(text, 20, ms, 3);
            text[23] = 'Z';
            return new String(text);
        }
        long day = Math.floorDiv(millis, 86_400_000L);
        int inDay = (int) Math.floorMod(millis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] text = new char[24];
        int n = 0;
        n = digits(text, n, date.getYear(), 4);
        text[n++] = '-';
        n = digits(text, n, date.getMonthValue(), 2);
        text[n++] = '-';
        n = digits(text, n, date.getDayOfMonth(), 2);
        text[n++] = 'T';
        n = digits(text, n, inDay / 3_600_000, 2);
        text[n++] = ':';
        n = digits(text, n, inDay / 60_000 % 60, 2);
        text[n++] = ':';
        n = digits(text, n, inDay / 1000 % 60, 2);
        last[0] = second;
        last[1] = java.util.Arrays.copyOf(text, 19);
        if (ms != 0) {
            text[n++] = '.';
            n = digits(text, n, ms, 3);
        }
        text[n++] = 'Z';
        return new String(text, 0, n);
    }

    private static int digits(char[] text, int at, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            text[at + i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
