package dev.unsubsync.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The streaming Avro-to-JSON path writes exactly what the record-and-tree path writes, and refuses broken bodies. */
class AvroJsonTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Everything", "namespace": "test", "fields": [
              {"name": "text", "type": "string"},
              {"name": "maybe", "type": ["null", "string"]},
              {"name": "absent", "type": ["null", "long"]},
              {"name": "count", "type": "int"},
              {"name": "big", "type": "long"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "ratio", "type": "float"},
              {"name": "notANumber", "type": "float"},
              {"name": "precise", "type": "double"},
              {"name": "flag", "type": "boolean"},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["API", "PROVIDER_WEBHOOK"]}},
              {"name": "raw", "type": "bytes"},
              {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 4}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "none", "type": {"type": "array", "items": "int"}},
              {"name": "labels", "type": {"type": "map", "values": ["null", "int"]}},
              {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [{"name": "b", "type": "boolean"}]}}
            ]}""");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static GenericRecord everything() {
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("text", "quote \" backslash \\ tab \t newline \n bell \u0007 del \u007f é 漢 😀 </script>");
        record.put("maybe", "Ada@Example.com");
        record.put("absent", null);
        record.put("count", -42);
        record.put("big", Long.MIN_VALUE + 1);
        record.put("at", 1_772_359_200_123L);
        record.put("day", 20_000);
        record.put("ratio", 1.1f);
        record.put("notANumber", Float.NaN);
        record.put("precise", -0.000123456789);
        record.put("flag", true);
        record.put("kind", new GenericData.EnumSymbol(SCHEMA.getField("kind").schema(), "PROVIDER_WEBHOOK"));
        record.put("raw", ByteBuffer.wrap(new byte[]{0, -1, 2}));
        record.put("digest", new GenericData.Fixed(SCHEMA.getField("digest").schema(), new byte[]{1, 2, 3, 4}));
        record.put("tags", List.of("a", "b,\"c\""));
        record.put("none", List.of());
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("one", 1);
        labels.put("nothing", null);
        labels.put("k\"ey", 3);
        record.put("labels", labels);
        GenericRecord inner = new GenericData.Record(SCHEMA.getField("inner").schema());
        inner.put("b", false);
        record.put("inner", inner);
        return record;
    }

    private static byte[] binary(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static String stream(byte[] body) throws IOException {
        JsonOut out = new JsonOut();
        AvroJson.compile(SCHEMA).copy(new AvroJson.Cursor().over(body, 0, body.length), out);
        return out.drain();
    }

    @Test
    void writesTheSameJsonAsTheRecordAndTreePathByteForByte() throws Exception {
        GenericRecord record = everything();
        String streamed = stream(binary(record));
        assertEquals(JSON.writeValueAsString(JsonValues.of(record)), streamed);
        assertEquals("Ada@Example.com", JSON.readTree(streamed).path("maybe").asText());
    }

    @Test
    void stringsAreEscapedAsJacksonEscapesThemWhereverTheEscapeFalls() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int[] alphabet = {'a', 'Z', '0', ' ', '"', '\\', '\n', '\t', 0x01, 0x1f, 0x7f, 0xe9, 0x6f22, 0x1F600, '/', '<'};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(0, 40);
            for (int c = 0; c < length; c++) {
                // Mostly plain letters (long clean runs), now and then something to escape or a multi-byte character.
                text.appendCodePoint(random.nextInt(10) < 7 ? 'a' + random.nextInt(26) : alphabet[random.nextInt(alphabet.length)]);
            }
            JsonOut out = new JsonOut();
            out.string(text.toString());
            assertEquals(JSON.writeValueAsString(text.toString()), out.drain(), text.toString());
        }
    }

    @Test
    void aBodyCutShortAnywhereIsRefusedNotReadPastItsEnd() throws Exception {
        byte[] body = binary(everything());
        for (int length = 0; length < body.length; length++) {
            byte[] cut = Arrays.copyOf(body, length);
            assertThrows(IOException.class, () -> stream(cut), "cut at " + length);
        }
    }

    @Test
    void aLengthOrCountTheBodyCannotHoldIsRefused() {
        Schema strings = new Schema.Parser().parse("{\"type\": \"array\", \"items\": \"null\"}");
        // A block claiming 2^40 null items, then nothing: refused instead of writing "null" forever.
        byte[] hugeCount = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
        assertThrows(IOException.class, () -> AvroJson.compile(strings).copy(new AvroJson.Cursor().over(hugeCount, 0, hugeCount.length), new JsonOut()));
        Schema text = Schema.create(Schema.Type.STRING);
        byte[] longString = {(byte) 0xFE, (byte) 0xFF, 0x7F, 'a'};
        IOException refused = assertThrows(IOException.class,
                () -> AvroJson.compile(text).copy(new AvroJson.Cursor().over(longString, 0, longString.length), new JsonOut()));
        assertEquals("a length of 1048575 with 1 bytes left", refused.getMessage());
        byte[] ok = {2, 'a'};
        JsonOut out = new JsonOut();
        assertDoesNotThrow(() -> AvroJson.compile(text).copy(new AvroJson.Cursor().over(ok, 0, ok.length), out));
        assertEquals("\"a\"", out.drain());
        assertEquals("\"x\"", new String(AvroJson.quoted("x"), StandardCharsets.UTF_8));
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable body) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(body);
    }
}
