package dev.unsubsync.salesforce;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bulk API 2.0: query jobs (results streamed page by page) and ingest jobs (upload, close, wait, read results). Waiting
 * uses the injected clock and sleeper, so a test runs a job's life without waiting for it.
 */
final class BulkApi {

    /** Waits between polls of a job. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final SalesforceTransport transport;
    private final SalesforceConfiguration config;
    private final Clock clock;
    private final Sleeper sleeper;

    BulkApi(SalesforceTransport transport, SalesforceConfiguration config, Clock clock, Sleeper sleeper) {
        this.transport = transport;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Runs a Bulk API 2.0 query job and streams its results: every row, as column name to text, goes to {@code rows},
     * one results page (at most {@code pageSize} rows) in memory at a time. Answers the number of rows.
     */
    Outcome<Long> bulkQuery(String soql, int pageSize, Consumer<Map<String, String>> rows) {
        Outcome<Map<String, Object>> created = transport.json("POST", transport.api("/jobs/query"), Map.of("operation", "query", "query", soql));
        if (!(created instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
            return created.retyped();
        }
        String id = String.valueOf(job.get("id"));
        Outcome<Map<String, Object>> done = awaitJob(transport.api("/jobs/query/" + id));
        if (!(done instanceof Outcome.Ok<Map<String, Object>>)) {
            return done.retyped();
        }
        long count = 0;
        String locator = null;
        do {
            String path = transport.api("/jobs/query/" + id + "/results?maxRecords=" + pageSize
                    + (locator == null ? "" : "&locator=" + URLEncoder.encode(locator, StandardCharsets.UTF_8)));
            Outcome<HttpResponse<String>> call = transport.send("GET", path, null, null, Map.of("Accept", "text/csv"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return transport.failure(response);
            }
            List<List<String>> csv = CsvReader.parse(response.body());
            List<String> header = csv.isEmpty() ? List.of() : csv.getFirst();
            for (List<String> values : csv.subList(Math.min(1, csv.size()), csv.size())) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size() && i < values.size(); i++) {
                    row.put(header.get(i), values.get(i));
                }
                rows.accept(row);
                count++;
            }
            locator = response.headers().firstValue("Sforce-Locator").filter(l -> !l.isEmpty() && !l.equals("null")).orElse(null);
        } while (locator != null);
        return new Outcome.Ok<>(count);
    }

    /**
     * Sets fields to {@code true} on many records of one object through a Bulk API 2.0 ingest job (upload, close,
     * wait, read results). For diffs too large for Collections calls: one job instead of one call per 200 records.
     */
    Outcome<SalesforceClient.IngestResult> bulkUpdate(String objectType, List<RecordUpdate> updates) {
        List<String> fields = updates.stream().flatMap(u -> u.fields().stream()).distinct().toList();
        StringBuilder csv = new StringBuilder("Id");
        fields.forEach(f -> csv.append(',').append(f));
        csv.append('\n');
        for (RecordUpdate update : updates) {
            csv.append(update.id());
            for (String field : fields) {
                // An empty value leaves the field as it is: only true is ever written.
                csv.append(',').append(update.fields().contains(field) ? "true" : "");
            }
            csv.append('\n');
        }
        Outcome<Map<String, Object>> created = transport.json("POST", transport.api("/jobs/ingest"),
                Map.of("object", objectType, "operation", "update", "contentType", "CSV", "lineEnding", "LF"));
        if (!(created instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
            return created.retyped();
        }
        String id = String.valueOf(job.get("id"));
        Outcome<HttpResponse<String>> upload = transport.send("PUT", transport.api("/jobs/ingest/" + id + "/batches"), csv.toString(), "text/csv", Map.of());
        if (!(upload instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> uploaded))) {
            return upload.retyped();
        }
        if (uploaded.statusCode() != 201) {
            return transport.failure(uploaded);
        }
        Outcome<Map<String, Object>> closed = transport.json("PATCH", transport.api("/jobs/ingest/" + id), Map.of("state", "UploadComplete"));
        if (!(closed instanceof Outcome.Ok<Map<String, Object>>)) {
            return closed.retyped();
        }
        Outcome<Map<String, Object>> done = awaitJob(transport.api("/jobs/ingest/" + id));
        if (!(done instanceof Outcome.Ok<Map<String, Object>>)) {
            return done.retyped();
        }
        Map<String, RecordResult> results = new LinkedHashMap<>();
        for (String kind : List.of("successfulResults", "failedResults")) {
            Outcome<HttpResponse<String>> call = transport.send("GET", transport.api("/jobs/ingest/" + id + "/" + kind), null, null,
                    Map.of("Accept", "text/csv"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return transport.failure(response);
            }
            List<List<String>> rows = CsvReader.parse(response.body());
            if (rows.isEmpty()) {
                continue;
            }
            int idColumn = rows.getFirst().indexOf("Id");
            for (List<String> row : rows.subList(1, rows.size())) {
                String recordId = idColumn >= 0 && idColumn < row.size() ? row.get(idColumn) : row.getFirst();
                if (kind.equals("successfulResults")) {
                    results.put(recordId, RecordResult.saved());
                } else {
                    // sf__Error is CODE:message:fields--
                    String[] error = row.get(1).split(":", 3);
                    results.put(recordId, RecordResult.refused(error[0], error.length > 1 ? error[1] : row.get(1)));
                }
            }
        }
        return new Outcome.Ok<>(new SalesforceClient.IngestResult(id, results));
    }

    /** Polls a Bulk job until it is complete; a failed or aborted job is a rejected request with its message. */
    private Outcome<Map<String, Object>> awaitJob(String path) {
        Instant deadline = clock.instant().plus(config.getBulkJobTimeout());
        Duration interval = Duration.ofMillis(100);
        while (true) {
            Outcome<Map<String, Object>> status = transport.json("GET", path, null);
            if (!(status instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
                return status;
            }
            String state = String.valueOf(job.get("state"));
            switch (state) {
                case "JobComplete" -> {
                    return status;
                }
                case "Failed", "Aborted" -> {
                    return new Outcome.RequestRejected<>(400, "JOB_" + state.toUpperCase(Locale.ROOT),
                            String.valueOf(job.getOrDefault("errorMessage", "Bulk job " + state)));
                }
                default -> {
                    if (clock.instant().isAfter(deadline)) {
                        return new Outcome.NetworkError<>("Bulk job " + job.get("id") + " still " + state + " after " + config.getBulkJobTimeout());
                    }
                    try {
                        sleeper.sleep(interval);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new Outcome.NetworkError<>("interrupted while waiting for a Bulk job");
                    }
                    // Back off up to the configured poll interval: quick jobs answer fast, long ones are not hammered.
                    interval = Duration.ofMillis(Math.min(config.getBulkPollInterval().toMillis(), interval.toMillis() * 2));
                }
            }
        }
    }

}
