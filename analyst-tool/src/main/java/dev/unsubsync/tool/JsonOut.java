package dev.unsubsync.tool;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON written straight into a growing byte array, for {@code dump}: no generator state to check on every token (the
 * callers write well-formed JSON by construction), strings escaped as Jackson escapes them (quote, backslash and the
 * control characters; UTF-8 bytes above 0x7F copied as they are). A record is written after a {@link #mark()} and
 * {@link #reset() dropped} again if its value turns out not to match its schema.
 */
final class JsonOut {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Per byte value: 0 copied as is, -1 written as a six-character escape (backslash, u, four hex digits), else the letter after the backslash. */
    private static final byte[] ESCAPES = new byte[256];

    static {
        Arrays.fill(ESCAPES, 0, 32, (byte) -1);
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private byte[] bytes;
    private int count;
    private int mark;

    /** Room for a megabyte of lines and the record that crosses it, the size {@code dump} hands over at a time. */
    JsonOut() {
        this((1 << 20) + (1 << 16));
    }

    JsonOut(int capacity) {
        bytes = new byte[capacity];
    }

    int size() {
        return count;
    }

    /** Where the record being written starts. */
    void mark() {
        mark = count;
    }

    /** Drops what was written after {@code size}. */
    void truncate(int size) {
        count = size;
    }

    /** Drops what was written since the {@link #mark()}. */
    void reset() {
        count = mark;
    }

    private void ensure(int more) {
        if (count + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
        }
    }

    /** Bytes that are already JSON (punctuation, field names encoded once). */
    JsonOut raw(byte[] json) {
        ensure(json.length);
        System.arraycopy(json, 0, bytes, count, json.length);
        count += json.length;
        return this;
    }

    JsonOut raw(byte[] json, int offset, int length) {
        ensure(length);
        System.arraycopy(json, offset, bytes, count, length);
        count += length;
        return this;
    }

    JsonOut raw(char c) {
        ensure(1);
        bytes[count++] = (byte) c;
        return this;
    }

    JsonOut number(long n) {
        if (n == Long.MIN_VALUE) {
            return ascii(Long.toString(n));
        }
        ensure(20);
        if (n < 0) {
            bytes[count++] = '-';
            n = -n;
        }
        int digits = 1;
        for (long rest = n / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = count + digits - 1; i >= count; i--) {
            bytes[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        count += digits;
        return this;
    }

    /** A float or double as Jackson writes it: its shortest decimal, or quoted when it is not a number JSON has. */
    JsonOut number(double n, String text) {
        return Double.isFinite(n) ? ascii(text) : string(text);
    }

    /** Text known to need neither quotes nor escapes (digits, a formatted time). */
    JsonOut ascii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[count++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** A quoted string of UTF-8 bytes, escaped. */
    JsonOut string(byte[] utf8, int offset, int length) {
        stringReportingAscii(utf8, offset, length);
        return this;
    }

    /**
     * A quoted string of bytes, escaped; whether they were all ASCII (else the caller may have to check they are UTF-8).
     * Runs of bytes that need no escape are found eight at a time and copied in one go.
     */
    boolean stringReportingAscii(byte[] utf8, int offset, int length) {
        ensure(length + 2);
        bytes[count++] = '"';
        int end = offset + length;
        int i = offset;
        long high = 0;
        while (i < end) {
            int run = i;
            while (run + 8 <= end) {
                long word = (long) WORD.get(utf8, run);
                if (needsEscape(word)) {
                    break;
                }
                high |= word;
                run += 8;
            }
            while (run < end && ESCAPES[utf8[run] & 0xFF] == 0) {
                high |= utf8[run];
                run++;
            }
            System.arraycopy(utf8, i, bytes, count, run - i);
            count += run - i;
            if (run < end) {
                escape(utf8[run]);
                ensure(end - run + 1);
                run++;
            }
            i = run;
        }
        bytes[count++] = '"';
        return (high & 0x8080808080808080L) == 0;
    }

    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Whether any of the eight bytes is below 0x20, a quote or a backslash (exact, by the usual has-zero-byte trick). */
    private static boolean needsEscape(long word) {
        long control = (word - 0x20 * ONES) & ~word;
        long quote = word ^ ('"' * ONES);
        long backslash = word ^ ('\\' * ONES);
        return ((control | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash)) & HIGHS) != 0;
    }

    JsonOut string(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return string(utf8, 0, utf8.length);
    }

    JsonOut nullValue() {
        return raw(NULL);
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private void escape(byte b) {
        ensure(6);
        bytes[count++] = '\\';
        byte letter = ESCAPES[b];
        if (letter > 0) {
            bytes[count++] = letter;
        } else {
            bytes[count++] = 'u';
            bytes[count++] = '0';
            bytes[count++] = '0';
            bytes[count++] = HEX[b >> 4];
            bytes[count++] = HEX[b & 0xF];
        }
    }

    /** Writes everything and empties the buffer. */
    void drainTo(OutputStream out) throws IOException {
        out.write(bytes, 0, count);
        count = 0;
        mark = 0;
    }

    /** Hands everything to the writer and goes on in an empty buffer. */
    void drainTo(BackgroundWriter writer) throws IOException {
        bytes = writer.swap(bytes, count);
        count = 0;
        mark = 0;
    }

    /** Everything as text, emptying the buffer (stdout through a {@link java.io.Writer}, in tests). */
    String drain() {
        String text = new String(bytes, 0, count, StandardCharsets.UTF_8);
        count = 0;
        mark = 0;
        return text;
    }

    /** An output stream appending here, for what Jackson writes (a record that needs its fallback form). */
    OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                raw((char) (b & 0xFF));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                ensure(len);
                System.arraycopy(b, off, bytes, count, len);
                count += len;
            }
        };
    }
}
