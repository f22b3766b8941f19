package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Subjects;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dump <topic>}: a topic's records, decoded, as JSON lines, CSV or Avro container files. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a topic's records, decoded with their writer schemas, to stdout or a file. Reads only; commits nothing.",
                "JSON lines: one object per record (topic, partition, offset, timestamp, key, headers, schemaId, type, value).",
                "CSV: one row per record, a column per top-level field of the topic's record types (nested values as JSON).",
                "Avro: container files keeping the schema, one per record type (the type's latest schema), for Spark, DuckDB and pandas."})
final class DumpCommand implements Runnable {

    enum Format { jsonl, csv, avro }

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @ParentCommand
    Tool parent;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic, e.g. unsubscribe-events")
    String topic;

    @Option(names = "--from", paramLabel = "TIME|OFFSET", converter = Position.Converter.class,
            description = "start at this offset (on every partition) or the first record written at or after this time; default: the beginning")
    Position from;

    @Option(names = "--to", paramLabel = "TIME|OFFSET", converter = Position.Converter.class,
            description = "stop before this offset or time; default: the end as the dump starts")
    Position to;

    @Option(names = "--partition", paramLabel = "N", split = ",", description = "only these partitions")
    int[] partitions;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl (default), csv or avro")
    Format format;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write here instead of stdout (required for avro)")
    Path out;

    @Override
    public void run() {
        if (format == Format.avro && out == null) {
            throw new ParameterException(spec.commandLine(), "--format avro writes binary container files: name one with --out FILE.avro");
        }
        long started = System.nanoTime();
        Registry registry = connection.registry();
        WireFormat wire = new WireFormat(registry);
        Records records = new Records(wire);
        boolean bytesTopic = Records.bytesTopic(topic);
        long count;
        try (TopicScan scan = new TopicScan(connection, spec.commandLine().getErr())) {
            List<TopicPartition> all = scan.partitions(topic);
            List<TopicPartition> chosen = all;
            if (partitions != null) {
                chosen = new ArrayList<>();
                for (int p : partitions) {
                    if (p < 0 || p >= all.size()) {
                        throw new ParameterException(spec.commandLine(), "--partition " + p + ": " + topic + " has partitions 0 to " + (all.size() - 1));
                    }
                    chosen.add(all.get(p));
                }
            }
            Map<TopicPartition, Long> start = scan.offsets(chosen, from, false);
            Map<TopicPartition, Long> end = to == null ? scan.offsets(chosen, null, true) : scan.offsets(chosen, to, false);
            count = switch (format) {
                case jsonl -> jsonLines(scan, start, end, bytesTopic);
                case csv -> withWriter(writer -> csv(scan, start, end, records, bytesTopic, registry, writer));
                case avro -> avro(scan, start, end, wire, registry);
            };
        }
        spec.commandLine().getErr().printf("dump: %,d records from %s in %.1f s%s%n", count, topic,
                (System.nanoTime() - started) / 1e9, out == null ? "" : " to " + out);
    }

    private interface Body {
        long write(Writer writer) throws IOException;
    }

    private long withWriter(Body body) {
        try {
            if (out == null) {
                Writer writer = spec.commandLine().getOut();
                long n = body.write(writer);
                writer.flush();
                return n;
            }
            try (Writer writer = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                return body.write(writer);
            }
        } catch (IOException e) {
            throw new ToolException(2, "cannot write " + (out == null ? "to stdout" : out) + ": " + e.getMessage());
        }
    }

    /**
     * JSON lines, streamed as UTF-8 bytes to the file or to stdout (through the command line's writer in tests), a
     * buffer of lines at a time. A value whose body does not match its schema is caught midway, its partial line dropped
     * and the record written as {@link Records#json} shows it (bytes and why).
     */
    private long jsonLines(TopicScan scan, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, boolean bytesTopic) {
        OutputStream stdout = parent == null ? null : parent.stdout();
        try (OutputStream file = out == null ? null : Files.newOutputStream(out)) {
            OutputStream bytes = file != null ? file : stdout;
            if (bytes == null) {
                Writer text = spec.commandLine().getOut();
                long n = jsonLines(scan, start, end, bytesTopic, json -> text.write(json.drain()));
                text.flush();
                return n;
            }
            try (BackgroundWriter writer = new BackgroundWriter(bytes)) {
                return jsonLines(scan, start, end, bytesTopic, json -> json.drainTo(writer));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ToolException(2, "cannot write " + (out == null ? "to stdout" : out) + ": " + e.getMessage());
        }
    }

    private interface Drain {
        void drain(JsonOut json) throws IOException;
    }

    private long jsonLines(TopicScan scan, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, boolean bytesTopic, Drain drain)
            throws IOException {
        Records records = new Records(new WireFormat(connection.registry()));
        JsonOut json = new JsonOut();
        long n = scan.scan(start, end, "dump " + topic, record -> {
            try {
                json.mark();
                try {
                    records.write(json, record, bytesTopic);
                } catch (ToolException unavailable) {
                    throw unavailable;
                } catch (IOException | RuntimeException broken) {
                    json.reset();
                    records.writeTree(json, record, bytesTopic);
                }
                json.raw('\n');
                if (json.size() >= 1 << 20) {
                    drain.drain(json);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        drain.drain(json);
        return n;
    }

    private long csv(TopicScan scan, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, Records records, boolean bytesTopic,
            Registry registry, Writer writer) throws IOException {
        Set<String> fields = new LinkedHashSet<>();
        for (Schema schema : latestSchemas(registry).values()) {
            schema.getFields().forEach(f -> fields.add(f.name()));
        }
        List<String> columns = new ArrayList<>(List.of("partition", "offset", "timestamp", "key", "type"));
        columns.addAll(fields);
        columns.add("raw");
        writer.write(String.join(",", columns.stream().map(DumpCommand::cell).toList()));
        writer.write("\r\n");
        return scan.scan(start, end, "dump " + topic, record -> {
            ObjectNode node = records.json(record, bytesTopic);
            JsonNode value = node.path("value");
            StringBuilder row = new StringBuilder();
            row.append(record.partition()).append(',').append(record.offset()).append(',').append(node.path("timestamp").asText()).append(',')
                    .append(cell(node.path("key").isNull() ? "" : node.path("key").asText())).append(',').append(cell(node.path("type").asText("")));
            for (String field : fields) {
                JsonNode cell = value.path(field);
                row.append(',').append(cell.isMissingNode() || cell.isNull() ? "" : cell(cell.isValueNode() ? cell.asText() : cell.toString()));
            }
            row.append(',').append(cell(node.has("valueText") ? node.get("valueText").asText() : node.path("valueBase64").asText("")));
            row.append("\r\n");
            try {
                writer.write(row.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break. */
    static String cell(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /** The latest schema of each record type the registry holds for this topic, by full name. */
    private Map<String, Schema> latestSchemas(Registry registry) {
        Map<String, Schema> latest = new LinkedHashMap<>();
        for (String subject : registry.subjects()) {
            boolean ours = subject.equals(topic + "-value") || (subject.startsWith(topic + "-") && !Subjects.singleTyped(topic)
                    && subject.substring(topic.length() + 1).contains("."));
            if (ours) {
                registry.latest(subject).ifPresent(l -> latest.put(l.schema().getFullName(), l.schema()));
            }
        }
        return latest;
    }

    private long avro(TopicScan scan, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, WireFormat wire, Registry registry) {
        Map<String, Schema> latest = latestSchemas(registry);
        boolean severalTypes = latest.size() > 1;
        Map<String, DataFileWriter<GenericRecord>> files = new HashMap<>();
        List<Path> written = new ArrayList<>();
        long[] skipped = new long[2];
        try {
            long n = scan.scan(start, end, "dump " + topic, record -> {
                if (record.value() == null) {
                    skipped[0]++;
                    return;
                }
                GenericRecord value;
                try {
                    Schema writer = connection.registry().byId(WireFormat.schemaId(record.value()));
                    Schema reader = latest.computeIfAbsent(writer.getFullName(), k -> writer);
                    value = wire.decode(record.value(), reader);
                } catch (WireFormat.Unreadable e) {
                    skipped[1]++;
                    return;
                }
                try {
                    DataFileWriter<GenericRecord> file = files.get(value.getSchema().getFullName());
                    if (file == null) {
                        Path path = severalTypes || !files.isEmpty() ? sibling(value.getSchema()) : out;
                        file = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(value.getSchema()));
                        file.setCodec(CodecFactory.deflateCodec(1));
                        file.create(value.getSchema(), path.toFile());
                        files.put(value.getSchema().getFullName(), file);
                        written.add(path);
                    }
                    file.append(value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (skipped[0] + skipped[1] > 0) {
                spec.commandLine().getErr().printf("dump: left out of the Avro files: %,d tombstones, %,d unreadable values (--format jsonl shows them)%n",
                        skipped[0], skipped[1]);
            }
            spec.commandLine().getErr().println("dump: wrote " + String.join(", ", written.stream().map(Path::toString).toList()));
            return n;
        } catch (UncheckedIOException e) {
            throw new ToolException(2, "cannot write " + out + ": " + e.getCause().getMessage());
        } finally {
            for (DataFileWriter<GenericRecord> file : files.values()) {
                try {
                    file.close();
                } catch (IOException e) {
                    spec.commandLine().getErr().println("dump: closing an Avro file failed: " + e.getMessage());
                }
            }
        }
    }

    /** {@code out.avro} → {@code out.UnsubscribeRecorded.avro} where a topic holds several record types. */
    private Path sibling(Schema schema) {
        String name = out.getFileName().toString();
        String stem = name.endsWith(".avro") ? name.substring(0, name.length() - 5) : name;
        return out.resolveSibling(stem + "." + schema.getName() + ".avro");
    }
}
