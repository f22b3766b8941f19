package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Avro values as plain JSON, the way a person reads them: a union shows its value (not Avro's {@code {"string": …}}), an
 * enum its symbol, a {@code timestamp-millis} an ISO-8601 instant, a {@code date} a day, bytes base64.
 */
public final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {
    }

    public static ObjectNode of(GenericRecord record) {
        return (ObjectNode) of(record, record.getSchema());
    }

    static JsonNode of(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case UNION -> of(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
            case RECORD -> {
                GenericRecord record = (GenericRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field field : record.getSchema().getFields()) {
                    node.set(field.name(), of(record.get(field.pos()), field.schema()));
                }
                yield node;
            }
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(of(item, schema.getElementType()));
                }
                yield array;
            }
            case MAP -> {
                ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    node.set(entry.getKey().toString(), of(entry.getValue(), schema.getValueType()));
                }
                yield node;
            }
            case LONG -> {
                LogicalType logical = schema.getLogicalType();
                long n = (Long) value;
                if (logical != null && logical.getName().equals("timestamp-millis")) {
                    yield NODES.textNode(IsoTime.of(n));
                }
                if (logical != null && logical.getName().equals("timestamp-micros")) {
                    yield NODES.textNode(Instant.EPOCH.plusNanos(n * 1000).toString());
                }
                yield NODES.numberNode(n);
            }
            case INT -> {
                LogicalType logical = schema.getLogicalType();
                int n = (Integer) value;
                yield logical != null && logical.getName().equals("date") ? NODES.textNode(LocalDate.ofEpochDay(n).toString()) : NODES.numberNode(n);
            }
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED -> NODES.textNode(Base64.getEncoder().encodeToString(((GenericData.Fixed) value).bytes()));
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case STRING, ENUM -> NODES.textNode(value.toString());
            case NULL -> NODES.nullNode();
        };
    }
}
