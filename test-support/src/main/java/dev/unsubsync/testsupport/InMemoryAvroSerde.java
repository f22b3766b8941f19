package dev.unsubsync.testsupport;

import dev.unsubsync.schemas.EventClasses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An Avro serde whose schema registry is a map in memory, for topology driver tests: the rules run in seconds with no
 * registry process. Values travel as the registry serdes write them (the Confluent wire format: a zero byte, the
 * writer schema's 4-byte id, Avro binary), and are read back into the writer's generated class. One instance is one
 * registry: serialize and deserialize through the same one (or its {@link #of} siblings).
 */
public final class InMemoryAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final byte MAGIC = 0;

    private final List<Schema> schemas;
    private final Map<Schema, Integer> ids;

    /** A serde with a registry of its own. */
    public InMemoryAvroSerde() {
        this(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>());
        EventClasses.trust();
    }

    private InMemoryAvroSerde(List<Schema> schemas, Map<Schema, Integer> ids) {
        this.schemas = schemas;
        this.ids = ids;
    }

    /** A serde of another type over the same registry. */
    public <U extends SpecificRecord> InMemoryAvroSerde<U> of(Class<U> type) {
        return new InMemoryAvroSerde<>(schemas, ids);
    }

    /** How many schemas were registered. */
    public int registered() {
        return schemas.size();
    }

    private synchronized int idOf(Schema schema) {
        Integer id = ids.get(schema);
        if (id == null) {
            schemas.add(schema);
            id = schemas.size();
            ids.put(schema, id);
        }
        return id;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            Schema schema = value.getSchema();
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(MAGIC);
            out.writeBytes(ByteBuffer.allocate(4).putInt(idOf(schema)).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                new SpecificDatumWriter<T>(schema).write(value, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            if (bytes.length < 5 || buffer.get() != MAGIC) {
                throw new SerializationException("not a registry-framed Avro value on " + topic);
            }
            int id = buffer.getInt();
            if (id < 1 || id > schemas.size()) {
                throw new SerializationException("schema id " + id + " is not registered (on " + topic + ")");
            }
            Schema writer = schemas.get(id - 1);
            SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, writer, SpecificData.getForSchema(writer));
            try {
                return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
            } catch (IOException e) {
                throw new SerializationException("cannot read a value of schema " + id + " on " + topic, e);
            }
        };
    }
}
