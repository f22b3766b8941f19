package dev.unsubsync.tool;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.util.Base64;
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
     * schema throws midway (the caller discards what was written and falls back to {@link #json}).
     */
    void write(JsonGenerator json, ConsumerRecord<byte[], byte[]> record, boolean bytesTopic) throws IOException {
        byte[] value = record.value();
        int id = -1;
        if (value != null) {
            try {
                id = WireFormat.schemaId(value);
            } catch (WireFormat.Unreadable e) {
                JSON.writeTree(json, json(record, bytesTopic));
                return;
            }
        }
        json.writeStartObject();
        json.writeStringField("topic", record.topic());
        json.writeNumberField("partition", record.partition());
        json.writeNumberField("offset", record.offset());
        json.writeStringField("timestamp", IsoTime.of(record.timestamp()));
        json.writeStringField("key", record.key() == null ? null : text(record.key()));
        if (record.headers().iterator().hasNext()) {
            json.writeObjectFieldStart("headers");
            for (Header header : record.headers()) {
                json.writeStringField(header.key(), header.value() == null ? null : text(header.value()));
            }
            json.writeEndObject();
        }
        if (value == null) {
            json.writeNullField("type");
            json.writeNullField("value");
        } else {
            AvroJson.Step step = wire.step(id);
            json.writeNumberField("schemaId", id);
            json.writeStringField("type", wire.writer(id).getFullName());
            json.writeFieldName("value");
            step.copy(wire.body(value), json);
        }
        json.writeEndObject();
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
