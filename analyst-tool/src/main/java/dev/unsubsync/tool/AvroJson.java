package dev.unsubsync.tool;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary straight to JSON, in one pass and without building records: the writer schema compiled once into a tree
 * of steps that read a value and write it. The JSON is {@link JsonValues}' (a union shows its value, an enum its
 * symbol, {@code timestamp-millis} an ISO-8601 instant, bytes base64).
 */
final class AvroJson {

    /** Reads one value from the decoder and writes it. */
    interface Step {
        void copy(BinaryDecoder in, JsonGenerator out) throws IOException;
    }

    private AvroJson() {
    }

    static Step compile(Schema schema) {
        return compile(schema, new IdentityHashMap<>());
    }

    private static Step compile(Schema schema, Map<Schema, Step[]> records) {
        LogicalType logical = schema.getLogicalType();
        String logicalName = logical == null ? "" : logical.getName();
        return switch (schema.getType()) {
            case RECORD -> {
                Step[] self = records.get(schema);
                if (self != null) {
                    // A record that contains itself: the step is filled in once compiled.
                    yield (in, out) -> self[0].copy(in, out);
                }
                Step[] holder = new Step[1];
                records.put(schema, holder);
                List<Schema.Field> fields = schema.getFields();
                SerializableString[] names = new SerializableString[fields.size()];
                Step[] steps = new Step[fields.size()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = new SerializedString(fields.get(i).name());
                    steps[i] = compile(fields.get(i).schema(), records);
                }
                holder[0] = (in, out) -> {
                    out.writeStartObject();
                    for (int i = 0; i < steps.length; i++) {
                        out.writeFieldName(names[i]);
                        steps[i].copy(in, out);
                    }
                    out.writeEndObject();
                };
                yield holder[0];
            }
            case UNION -> {
                Step[] branches = schema.getTypes().stream().map(branch -> compile(branch, records)).toArray(Step[]::new);
                yield (in, out) -> {
                    int branch = in.readIndex();
                    if (branch < 0 || branch >= branches.length) {
                        throw new IOException("union branch " + branch + " of " + branches.length);
                    }
                    branches[branch].copy(in, out);
                };
            }
            case NULL -> (in, out) -> {
                in.readNull();
                out.writeNull();
            };
            case BOOLEAN -> (in, out) -> out.writeBoolean(in.readBoolean());
            case INT -> logicalName.equals("date")
                    ? (in, out) -> out.writeString(LocalDate.ofEpochDay(in.readInt()).toString())
                    : (in, out) -> out.writeNumber(in.readInt());
            case LONG -> switch (logicalName) {
                case "timestamp-millis" -> (in, out) -> out.writeString(IsoTime.of(in.readLong()));
                case "timestamp-micros" -> (in, out) -> out.writeString(java.time.Instant.EPOCH.plusNanos(in.readLong() * 1000).toString());
                default -> (in, out) -> out.writeNumber(in.readLong());
            };
            case FLOAT -> (in, out) -> out.writeNumber(in.readFloat());
            case DOUBLE -> (in, out) -> out.writeNumber(in.readDouble());
            case STRING -> {
                Utf8 text = new Utf8();
                yield (in, out) -> {
                    in.readString(text);
                    out.writeUTF8String(text.getBytes(), 0, text.getByteLength());
                };
            }
            case BYTES -> (in, out) -> {
                ByteBuffer bytes = in.readBytes(null);
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                out.writeString(Base64.getEncoder().encodeToString(copy));
            };
            case FIXED -> {
                int size = schema.getFixedSize();
                yield (in, out) -> {
                    byte[] bytes = new byte[size];
                    in.readFixed(bytes);
                    out.writeString(Base64.getEncoder().encodeToString(bytes));
                };
            }
            case ENUM -> {
                SerializableString[] symbols = schema.getEnumSymbols().stream().map(SerializedString::new).toArray(SerializableString[]::new);
                yield (in, out) -> {
                    int symbol = in.readEnum();
                    if (symbol < 0 || symbol >= symbols.length) {
                        throw new IOException("enum symbol " + symbol + " of " + symbols.length);
                    }
                    out.writeString(symbols[symbol]);
                };
            }
            case ARRAY -> {
                Step item = compile(schema.getElementType(), records);
                yield (in, out) -> {
                    out.writeStartArray();
                    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                        for (long i = 0; i < n; i++) {
                            item.copy(in, out);
                        }
                    }
                    out.writeEndArray();
                };
            }
            case MAP -> {
                Step value = compile(schema.getValueType(), records);
                Utf8 key = new Utf8();
                yield (in, out) -> {
                    out.writeStartObject();
                    for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                        for (long i = 0; i < n; i++) {
                            out.writeFieldName(in.readString(key).toString());
                            value.copy(in, out);
                        }
                    }
                    out.writeEndObject();
                };
            }
        };
    }
}
