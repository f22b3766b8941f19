package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A consumed record as one JSON object: where it is, its key and headers, and its value decoded. */
final class Records {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireFormat wire;

    Records(WireFormat wire) {
        this.wire = wire;
    }

    /** Whether our topic declares raw bytes as its values (dead letters, parked events, webhook bodies). */
    static boolean bytesTopic(String topic) {
        return Topics.ALL.stream().filter(t -> t.name().equals(topic)).map(Topic::valueType).anyMatch(type -> type == byte[].class);
    }

    ObjectNode json(ConsumerRecord<byte[], byte[]> record, boolean bytesTopic) {
        ObjectNode node = NODES.objectNode();
        node.put("topic", record.topic());
        node.put("partition", record.partition());
        node.put("offset", record.offset());
        node.put("timestamp", IsoTime.of(record.timestamp()));
        node.put("key", record.key() == null ? null : text(record.key()));
        if (record.headers().iterator().hasNext()) {
            ObjectNode headers = node.putObject("headers");
            for (Header header : record.headers()) {
                headers.put(header.key(), header.value() == null ? null : text(header.value()));
            }
        }
        byte[] value = record.value();
        if (value == null) {
            node.putNull("type");
            node.putNull("value");
            return node;
        }
        try {
            GenericRecord decoded = wire.decode(value);
            node.put("schemaId", WireFormat.schemaId(value));
            node.put("type", decoded.getSchema().getFullName());
            node.set("value", JsonValues.of(decoded));
        } catch (WireFormat.Unreadable e) {
            String asText = utf8(value);
            if (bytesTopic && asText != null) {
                node.putNull("type");
                node.put("valueText", asText);
            } else {
                node.put("type", bytesTopic ? null : "UNREADABLE");
                if (!bytesTopic) {
                    node.put("unreadable", e.getMessage());
                }
                node.put("valueBase64", Base64.getEncoder().encodeToString(value));
            }
        }
        return node;
    }

    /**
     * Writes the record as {@link #json} shows it, streaming its value from Avro binary to JSON ({@link AvroJson}). A
     * value that is not in the wire format is written as {@link #json} writes it; one whose body does not match its
     * schema throws midway (the caller drops what was written and calls {@link #writeTree}).
     */
    void write(JsonOut out, ConsumerRecord<byte[], byte[]> record, boolean bytesTopic) throws IOException {
        byte[] value = record.value();
        int id = -1;
        if (value != null) {
            try {
                id = WireFormat.schemaId(value);
            } catch (WireFormat.Unreadable e) {
                writeTree(out, record, bytesTopic);
                return;
            }
        }
        if (!record.topic().equals(topic)) {
            topic = record.topic();
            topicJson = ("{\"topic\":" + new String(AvroJson.quoted(topic), StandardCharsets.UTF_8) + ",\"partition\":").getBytes(StandardCharsets.UTF_8);
        }
        out.raw(topicJson).number(record.partition()).raw(OFFSET).number(record.offset()).raw(TIMESTAMP);
        time.write(record.timestamp(), out);
        out.raw(KEY);
        text(out, record.key());
        if (record.headers().iterator().hasNext()) {
            out.raw(HEADERS);
            boolean first = true;
            for (Header header : record.headers()) {
                if (!first) {
                    out.raw(',');
                }
                first = false;
                out.string(header.key()).raw(':');
                text(out, header.value());
            }
            out.raw('}');
        }
        if (value == null) {
            out.raw(NO_VALUE);
            return;
        }
        Compiled compiled = compiled(id);
        out.raw(SCHEMA_ID).number(id).raw(compiled.typeAndValue());
        compiled.step().copy(cursor.over(value, 5, value.length - 5), out);
        out.raw('}');
    }

    /** The record as {@link #json} shows it, written by Jackson: for values the streaming path cannot read. */
    void writeTree(JsonOut out, ConsumerRecord<byte[], byte[]> record, boolean bytesTopic) throws IOException {
        JSON.writeValue(out.stream(), json(record, bytesTopic));
    }

    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] KEY = ascii(",\"key\":");
    private static final byte[] HEADERS = ascii(",\"headers\":{");
    private static final byte[] NO_VALUE = ascii(",\"type\":null,\"value\":null}");
    private static final byte[] SCHEMA_ID = ascii(",\"schemaId\":");

    private record Compiled(AvroJson.Step step, byte[] typeAndValue) {
    }

    private final Map<Integer, Compiled> compiled = new HashMap<>();
    private final AvroJson.Cursor cursor = new AvroJson.Cursor();
    private final IsoTime time = new IsoTime();
    private String topic = "";
    private byte[] topicJson;

    private Compiled compiled(int id) {
        Compiled known = compiled.get(id);
        if (known == null) {
            String type = new String(AvroJson.quoted(wire.writer(id).getFullName()), StandardCharsets.UTF_8);
            known = new Compiled(AvroJson.compile(wire.writer(id)), (",\"type\":" + type + ",\"value\":").getBytes(StandardCharsets.UTF_8));
            compiled.put(id, known);
        }
        return known;
    }

    private static byte[] ascii(String json) {
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes as {@link #text} shows them, as a JSON string: written as they are in one pass, unless they are not UTF-8. */
    private static void text(JsonOut out, byte[] bytes) {
        if (bytes == null) {
            out.nullValue();
            return;
        }
        int start = out.size();
        if (!out.stringReportingAscii(bytes, 0, bytes.length)) {
            out.truncate(start);
            out.string(text(bytes));
        }
    }

    static String text(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.US_ASCII);
        }
        String text = utf8(bytes);
        return text != null ? text : "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
