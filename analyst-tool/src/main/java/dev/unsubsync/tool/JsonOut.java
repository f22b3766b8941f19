package dev.unsubsync.tool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON written straight into a growing byte array, for {@code dump}: no generator state to check on every token (the
 * callers write well-formed JSON by construction), strings escaped as Jackson escapes them (quote, backslash and the
 * control characters; UTF-8 bytes above 0x7F copied as they are). A record is written after a {@link #mark()} and
 * {@link #reset() dropped} again if its value turns out not to match its schema.
 */
final class JsonOut {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Per ASCII byte: 0 copied as is, -1 written as a six-character escape (backslash, u, four hex digits), else the letter after the backslash. */
    private static final byte[] ESCAPES = new byte[128];

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

    private byte[] bytes = new byte[1 << 17];
    private int count;
    private int mark;

    int size() {
        return count;
    }

    /** Where the record being written starts. */
    void mark() {
        mark = count;
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
        text.getBytes(0, length, bytes, count);
        count += length;
        return this;
    }

    /** A quoted string of UTF-8 bytes, escaped. */
    JsonOut string(byte[] utf8, int offset, int length) {
        ensure(length + 2);
        bytes[count++] = '"';
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = utf8[i];
            if (b >= 0 && ESCAPES[b] != 0) {
                escape(b);
                ensure(end - i + 1);
            } else {
                bytes[count++] = b;
            }
        }
        bytes[count++] = '"';
        return this;
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
