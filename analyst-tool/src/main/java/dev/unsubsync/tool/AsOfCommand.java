package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code as-of <time>}: who was unsubscribed from all email on the sales side at an instant, folded from
 * {@code unsubscribe-events} (each person's records and removals, in order, recorded at or before the instant).
 */
@Command(name = "as-of", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Who was unsubscribed on the sales side at TIME: each person's unsubscribe-events (recorded and removed, in order,",
                "recordedAt at or before TIME) folded. Prints the count as JSON; --export writes the people."})
final class AsOfCommand implements Runnable {

    enum Format { jsonl, csv }

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "TIME", converter = Position.InstantConverter.class,
            description = "an instant: 2026-12-01T08:30:00Z (or with an offset, +01:00), or a day: 2026-12-01 (midnight UTC)")
    Instant at;

    @Option(names = "--export", paramLabel = "FILE", description = "write everyone unsubscribed at TIME here")
    Path export;

    @Option(names = "--format", paramLabel = "FORMAT", description = "of the export: jsonl or csv (default: by the file's extension, else jsonl)")
    Format format;

    /** A person unsubscribed from all email: since when, by what. */
    private record Unsubscribed(String email, long since, String source, String provider, String salesforceId) {
    }

    @Override
    public void run() {
        long cutoff = at.toEpochMilli();
        Map<String, Unsubscribed> unsubscribed = new HashMap<>();
        Set<String> topicUnsubscribes = new HashSet<>();
        long[] counts = new long[3];
        WireFormat wire = new WireFormat(connection.registry());
        try (TopicScan scan = new TopicScan(connection, spec.commandLine().getErr())) {
            scan.scanAll(Topics.UNSUBSCRIBE_EVENTS.name(), record -> {
                if (record.value() == null) {
                    return;
                }
                GenericRecord event;
                try {
                    event = wire.decode(record.value());
                } catch (WireFormat.Unreadable e) {
                    counts[2]++;
                    return;
                }
                Object recordedAt = event.get("recordedAt");
                if (!(recordedAt instanceof Long millis) || millis > cutoff) {
                    counts[1]++;
                    return;
                }
                counts[0]++;
                String person = new String(record.key(), StandardCharsets.UTF_8);
                Object topic = event.get("topic");
                boolean recorded = event.getSchema().getName().equals("UnsubscribeRecorded");
                if (topic != null) {
                    if (recorded) {
                        topicUnsubscribes.add(person + "\n" + topic);
                    } else {
                        topicUnsubscribes.remove(person + "\n" + topic);
                    }
                } else if (recorded) {
                    unsubscribed.put(person, new Unsubscribed(String.valueOf(event.get("email")), millis, String.valueOf(event.get("source")),
                            text(event.get("provider")), text(event.get("salesforceId"))));
                } else {
                    unsubscribed.remove(person);
                }
            });
        }
        ObjectNode summary = new ObjectMapper().createObjectNode();
        summary.put("asOf", at.toString());
        summary.put("unsubscribed", unsubscribed.size());
        summary.put("topicUnsubscribes", topicUnsubscribes.size());
        summary.put("eventsFolded", counts[0]);
        summary.put("eventsAfter", counts[1]);
        if (counts[2] > 0) {
            summary.put("unreadable", counts[2]);
        }
        if (export != null) {
            write(unsubscribed);
            summary.put("exported", export.toString());
        }
        spec.commandLine().getOut().println(summary);
    }

    private void write(Map<String, Unsubscribed> people) {
        Format chosen = format != null ? format : export.toString().endsWith(".csv") ? Format.csv : Format.jsonl;
        ObjectMapper json = new ObjectMapper();
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(export, StandardCharsets.UTF_8), 1 << 16)) {
            if (chosen == Format.csv) {
                writer.write("person,email,since,source,provider,salesforceId\r\n");
            }
            for (Map.Entry<String, Unsubscribed> entry : people.entrySet()) {
                Unsubscribed u = entry.getValue();
                String since = Instant.ofEpochMilli(u.since()).toString();
                if (chosen == Format.csv) {
                    writer.write(String.join(",", DumpCommand.cell(entry.getKey()), DumpCommand.cell(u.email()), since, u.source(),
                            DumpCommand.cell(nullToEmpty(u.provider())), nullToEmpty(u.salesforceId())) + "\r\n");
                } else {
                    ObjectNode row = json.createObjectNode().put("person", entry.getKey()).put("email", u.email()).put("since", since)
                            .put("source", u.source()).put("provider", u.provider()).put("salesforceId", u.salesforceId());
                    writer.write(row + "\n");
                }
            }
        } catch (IOException e) {
            throw new ToolException(2, "cannot write " + export + ": " + e.getMessage());
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
