package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A consumed record as one JSON object: where it is, its key and headers, and its value decoded. */
final class Records {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
        node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
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

    static String text(byte[] bytes) {
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
