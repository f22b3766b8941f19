package dev.unsubsync.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

/**
 * Avro binary straight to JSON, in one pass over the value's bytes and without building records or strings: the writer
 * schema compiled once into a tree of steps that read a value and write it ({@link JsonOut}). The JSON is
 * {@link JsonValues}' (a union shows its value, an enum its symbol, {@code timestamp-millis} an ISO-8601 instant, bytes
 * base64). A body that ends early or holds a length or index its schema cannot have throws {@link IOException}.
 */
final class AvroJson {

    /** Reads one value at the cursor and writes it. */
    interface Step {
        void copy(Cursor in, JsonOut out) throws IOException;
    }

    /** A position in an Avro binary body; every read is checked against the body's end. */
    static final class Cursor {
        private byte[] bytes;
        private int at;
        private int end;

        Cursor over(byte[] value, int offset, int length) {
            this.bytes = value;
            this.at = offset;
            this.end = offset + length;
            return this;
        }

        long readLong() throws IOException {
            if (at < end && bytes[at] >= 0) {
                // One byte: union branches, lengths under 64, small numbers; most of what a body holds.
                long raw = bytes[at++];
                return (raw >>> 1) ^ -(raw & 1);
            }
            long raw = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw new IOException("the body ends inside a number");
                }
                byte b = bytes[at++];
                raw |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new IOException("a number longer than 10 bytes");
        }

        int readInt() throws IOException {
            long n = readLong();
            if (n != (int) n) {
                throw new IOException("an int out of range: " + n);
            }
            return (int) n;
        }

        /** A count or length: never negative, never more than the bytes left. */
        int readLength() throws IOException {
            long n = readLong();
            if (n < 0 || n > end - at) {
                throw new IOException("a length of " + n + " with " + (end - at) + " bytes left");
            }
            return (int) n;
        }

        int take(int n) throws IOException {
            if (n > end - at) {
                throw new IOException("the body ends " + (n - (end - at)) + " bytes early");
            }
            int start = at;
            at += n;
            return start;
        }

        long readFixedLong(int size) throws IOException {
            int start = take(size);
            long n = 0;
            for (int i = size - 1; i >= 0; i--) {
                n = (n << 8) | (bytes[start + i] & 0xFF);
            }
            return n;
        }
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private AvroJson() {
    }

    static Step compile(Schema schema) {
        return compile(schema, new IdentityHashMap<>());
    }

    private static Step compile(Schema schema, Map<Schema, Step[]> records) {
        LogicalType logical = schema.getLogicalType();
        String logicalName = logical == null ? "" : logical.getName();
        return switch (schema.getType()) {
            case RECORD -> record(schema, records);
            case UNION -> {
                Step[] branches = schema.getTypes().stream().map(branch -> compile(branch, records)).toArray(Step[]::new);
                yield (in, out) -> {
                    int branch = in.readInt();
                    if (branch < 0 || branch >= branches.length) {
                        throw new IOException("union branch " + branch + " of " + branches.length);
                    }
                    branches[branch].copy(in, out);
                };
            }
            case NULL -> (in, out) -> out.nullValue();
            case BOOLEAN -> (in, out) -> {
                int at = in.take(1);
                out.raw(in.bytes[at] != 0 ? TRUE : FALSE);
            };
            case INT -> logicalName.equals("date")
                    ? (in, out) -> out.string(LocalDate.ofEpochDay(in.readInt()).toString())
                    : (in, out) -> out.number(in.readInt());
            case LONG -> switch (logicalName) {
                case "timestamp-millis" -> {
                    IsoTime time = new IsoTime();
                    yield (in, out) -> time.write(in.readLong(), out);
                }
                case "timestamp-micros" -> (in, out) -> out.string(Instant.EPOCH.plusNanos(in.readLong() * 1000).toString());
                default -> (in, out) -> out.number(in.readLong());
            };
            case FLOAT -> (in, out) -> {
                float f = Float.intBitsToFloat((int) in.readFixedLong(4));
                out.number(f, Float.toString(f));
            };
            case DOUBLE -> (in, out) -> {
                double d = Double.longBitsToDouble(in.readFixedLong(8));
                out.number(d, Double.toString(d));
            };
            case STRING -> (in, out) -> {
                int length = in.readLength();
                out.string(in.bytes, in.take(length), length);
            };
            case BYTES -> (in, out) -> base64(in, out, in.readLength());
            case FIXED -> {
                int size = schema.getFixedSize();
                yield (in, out) -> base64(in, out, size);
            }
            case ENUM -> {
                byte[][] symbols = schema.getEnumSymbols().stream().map(s -> quoted(s)).toArray(byte[][]::new);
                yield (in, out) -> {
                    int symbol = in.readInt();
                    if (symbol < 0 || symbol >= symbols.length) {
                        throw new IOException("enum symbol " + symbol + " of " + symbols.length);
                    }
                    out.raw(symbols[symbol]);
                };
            }
            case ARRAY -> {
                Step item = compile(schema.getElementType(), records);
                yield (in, out) -> {
                    out.raw('[');
                    boolean first = true;
                    for (long n = blockCount(in); n != 0; n = blockCount(in)) {
                        for (long i = 0; i < n; i++) {
                            if (!first) {
                                out.raw(',');
                            }
                            first = false;
                            item.copy(in, out);
                        }
                    }
                    out.raw(']');
                };
            }
            case MAP -> {
                Step value = compile(schema.getValueType(), records);
                yield (in, out) -> {
                    out.raw('{');
                    boolean first = true;
                    for (long n = blockCount(in); n != 0; n = blockCount(in)) {
                        for (long i = 0; i < n; i++) {
                            if (!first) {
                                out.raw(',');
                            }
                            first = false;
                            int length = in.readLength();
                            out.string(in.bytes, in.take(length), length).raw(':');
                            value.copy(in, out);
                        }
                    }
                    out.raw('}');
                };
            }
        };
    }

    private static Step record(Schema schema, Map<Schema, Step[]> records) {
        Step[] self = records.get(schema);
        if (self != null) {
            // A record that contains itself: the step is filled in once compiled.
            return (in, out) -> self[0].copy(in, out);
        }
        Step[] holder = new Step[1];
        records.put(schema, holder);
        List<Schema.Field> fields = schema.getFields();
        byte[][] names = new byte[fields.size()][];
        Step[] steps = new Step[fields.size()];
        for (int i = 0; i < names.length; i++) {
            // Each field's name with its punctuation, encoded once: {"name": then ,"name":
            byte[] name = quoted(fields.get(i).name());
            names[i] = new byte[name.length + 2];
            names[i][0] = (byte) (i == 0 ? '{' : ',');
            System.arraycopy(name, 0, names[i], 1, name.length);
            names[i][name.length + 1] = ':';
            steps[i] = compile(fields.get(i).schema(), records);
        }
        holder[0] = steps.length == 0 ? (in, out) -> out.raw('{').raw('}') : (in, out) -> {
            for (int i = 0; i < steps.length; i++) {
                out.raw(names[i]);
                steps[i].copy(in, out);
            }
            out.raw('}');
        };
        return holder[0];
    }

    /** An array or map block's item count; a negative count is followed by the block's size in bytes. */
    private static long blockCount(Cursor in) throws IOException {
        long n = in.readLong();
        if (n < 0) {
            in.readLong();
            n = -n;
        }
        // Items take at least a byte each, but for nulls; a count far beyond the bytes left is a broken body.
        if (n > Math.max(in.end - in.at, 1 << 20)) {
            throw new IOException("a block of " + n + " items with " + (in.end - in.at) + " bytes left");
        }
        return n;
    }

    private static void base64(Cursor in, JsonOut out, int length) throws IOException {
        int start = in.take(length);
        out.raw('"').ascii(Base64.getEncoder().encodeToString(Arrays.copyOfRange(in.bytes, start, start + length))).raw('"');
    }

    /** A name or symbol as a JSON string, escaped. */
    static byte[] quoted(String text) {
        JsonOut out = new JsonOut(text.length() * 6 + 2);
        out.string(text);
        return out.drain().getBytes(StandardCharsets.UTF_8);
    }
}
