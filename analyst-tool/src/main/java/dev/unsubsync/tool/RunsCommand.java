package dev.unsubsync.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unsubsync.schemas.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code runs}: the nightly runs and their reports, from {@code reconcile-runs} (the latest state of each run). */
@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The nightly runs, newest first, with their reports (from reconcile-runs: each run's latest state).")
final class RunsCommand implements Runnable {

    enum Format { table, jsonl }

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "only this run, its whole report as JSON")
    String runId;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or jsonl (every field)")
    Format format;

    @Override
    public void run() {
        WireFormat wire = new WireFormat(connection.registry());
        Records records = new Records(wire);
        Map<String, JsonNode> runs = new LinkedHashMap<>();
        try (TopicScan scan = new TopicScan(connection, spec.commandLine().getErr())) {
            scan.scanAll(Topics.RECONCILE_RUNS.name(), record -> {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                ObjectNode node = records.json(record, false);
                if (record.value() == null) {
                    runs.remove(key);
                } else if (node.path("value").isObject()) {
                    runs.put(key, node.get("value"));
                }
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        if (runId != null) {
            JsonNode run = runs.get(runId);
            if (run == null) {
                throw new ToolException(ToolException.NO, "no run " + runId + " on " + Topics.RECONCILE_RUNS.name() + " (" + runs.size() + " runs there)");
            }
            out.println(run.toPrettyString());
            return;
        }
        List<JsonNode> newestFirst = new ArrayList<>(runs.values());
        newestFirst.sort(Comparator.comparing((JsonNode r) -> r.path("requestedAt").asText()).reversed());
        if (format == Format.jsonl) {
            newestFirst.forEach(out::println);
            return;
        }
        String line = "%-34s %-9s %-9s %-20s %-20s %14s %14s  %s%n";
        out.printf(line, "RUN", "TRIGGER", "STATE", "STARTED", "ENDED", "TO SALESFORCE", "TO SALES SIDE", "FAILED");
        for (JsonNode r : newestFirst) {
            out.printf(line, r.path("runId").asText(), r.path("trigger").asText(), r.path("state").asText(), shortTime(r.path("startedAt")),
                    shortTime(r.path("endedAt")), r.path("writtenToSalesforce").asLong() + "/" + r.path("toSalesforce").asLong(),
                    r.path("recordedOnSalesSide").asLong() + "/" + r.path("toSalesSide").asLong(), failed(r.path("failed")));
        }
        if (newestFirst.isEmpty()) {
            out.println("(no runs yet)");
        }
    }

    private static String shortTime(JsonNode time) {
        String text = time.isNull() || time.isMissingNode() ? "-" : time.asText();
        return text.length() > 19 ? text.substring(0, 19) + "Z" : text;
    }

    private static String failed(JsonNode failed) {
        if (!failed.isObject() || failed.isEmpty()) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        failed.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(" ", parts);
    }
}
