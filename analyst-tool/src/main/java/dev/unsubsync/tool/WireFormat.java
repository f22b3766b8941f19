package dev.unsubsync.tool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Values in the Confluent wire format: byte 0 is 0, bytes 1–4 the schema id, then the Avro body. Decoded into generic
 * records with the writer schema, or resolved to a reader schema of the same record (an older or newer version).
 */
public final class WireFormat {

    private final Registry registry;
    /** Per schema id, per reader schema (by identity; the writer itself for none). */
    private final Map<Integer, Map<Schema, GenericDatumReader<GenericRecord>>> readers = new HashMap<>();
    private final Map<Integer, SpecificDatumReader<SpecificRecord>> specificReaders = new HashMap<>();
    private BinaryDecoder decoder;

    public WireFormat(Registry registry) {
        this.registry = registry;
    }

    /** Why a value could not be read: it stays visible in the output instead of being dropped. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** The schema id of a wire-format value. */
    public static int schemaId(byte[] value) throws Unreadable {
        if (value.length < 5 || value[0] != 0) {
            throw new Unreadable(
                    value.length == 0 ? "empty value" : "not the Confluent wire format (first byte " + value[0] + ", length " + value.length + ")");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** The writer schema of a schema id. */
    public Schema writer(int id) {
        return registry.byId(id);
    }

    /** The value as our event class of the writer's record (read with that class's schema). */
    public SpecificRecord decodeSpecific(byte[] value) throws Unreadable {
        int id = schemaId(value);
        SpecificDatumReader<SpecificRecord> reader = specificReaders.get(id);
        if (reader == null) {
            Schema writer = registry.byId(id);
            Class<?> type = writer.getType() == Schema.Type.RECORD ? SpecificData.get().getClass(writer) : null;
            if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                throw new Unreadable("no event type " + writer.getFullName() + " in this tool (schema id " + id + ")");
            }
            SpecificData model = SpecificData.getForClass(type);
            reader = new SpecificDatumReader<>(writer, model.getSchema(type), model);
            specificReaders.put(id, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new Unreadable("Avro body does not match schema id " + id + ": " + e.getMessage());
        }
    }

    /** The value with its writer schema. */
    public GenericRecord decode(byte[] value) throws Unreadable {
        return decode(value, null);
    }

    /** The value resolved to {@code reader} (its writer schema when {@code null}). */
    public GenericRecord decode(byte[] value, Schema reader) throws Unreadable {
        int id = schemaId(value);
        Schema writer = registry.byId(id);
        Schema target = reader == null ? writer : reader;
        GenericDatumReader<GenericRecord> datumReader = readers.computeIfAbsent(id, k -> new IdentityHashMap<>())
                .computeIfAbsent(target, k -> new GenericDatumReader<>(writer, target));
        decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
        try {
            return datumReader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new Unreadable("Avro body does not match schema id " + id + ": " + e.getMessage());
        }
    }
}
