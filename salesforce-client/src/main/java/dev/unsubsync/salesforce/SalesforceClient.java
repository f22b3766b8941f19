package dev.unsubsync.salesforce;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Salesforce's REST and Bulk API 2.0, as this system uses them: OAuth 2.0 (client credentials or JWT bearer) at the
 * configured login URL ({@link SalesforceSession}), then every call at the {@code instance_url} the token came with
 * ({@link SalesforceTransport}, which maps every failure to its {@link Outcome}); the REST calls here, Bulk jobs in
 * {@link BulkApi}. Nothing here throws for a Salesforce answer, and timeouts or refused connections are
 * {@link Outcome.NetworkError}s.
 */
@Singleton
public class SalesforceClient {

    /** Largest number of records one sObject Collections call takes. */
    public static final int MAX_RECORDS_PER_CALL = 200;

    /** API usage as the last response reported it ({@code Sforce-Limit-Info}). */
    public record ApiUsage(long used, long max) {
    }

    /** The daily allowance as {@code /limits} reports it. */
    public record Limits(long dailyApiRequestsMax, long dailyApiRequestsRemaining) {
    }

    /** What a Bulk API 2.0 ingest job did with each record, by 18-character ID. */
    public record IngestResult(String jobId, Map<String, RecordResult> results) {
    }

    private record Cached(Describe describe, String lastModified) {
    }

    private final JsonMapper json;
    private final SalesforceTransport transport;
    private final BulkApi bulk;
    private final Map<String, Cached> describes = new ConcurrentHashMap<>();

    public SalesforceClient(SalesforceConfiguration config, JsonMapper json) {
        this.json = json;
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.getConnectTimeout()).build();
        this.transport = new SalesforceTransport(config, json, http, Clock.systemUTC());
        this.bulk = new BulkApi(transport, config, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
    }

    /**
     * The ID of the user this client acts as (the integration user), from the token response's identity URL; empty while
     * Salesforce cannot be reached or does not say. A record whose {@code LastModifiedById} is this one was last changed
     * by our own writes.
     */
    public Optional<String> userId() {
        return transport.userId();
    }

    /** Usage of the daily API allowance, from the last {@code Sforce-Limit-Info} header seen. */
    public Optional<ApiUsage> apiUsage() {
        return transport.apiUsage();
    }

    /**
     * Sets each update's fields to {@code true} through sObject Collections ({@code allOrNone: false}): up to
     * {@link #MAX_RECORDS_PER_CALL} records, one API call, one result per record in order.
     */
    public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
        if (updates.size() > MAX_RECORDS_PER_CALL) {
            throw new IllegalArgumentException("at most " + MAX_RECORDS_PER_CALL + " records per call, got " + updates.size());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (RecordUpdate update : updates) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("attributes", Map.of("type", update.objectType()));
            record.put("id", update.id());
            update.fields().forEach(field -> record.put(field, Boolean.TRUE));
            records.add(record);
        }
        Outcome<HttpResponse<String>> call = transport.send("PATCH", transport.api("/composite/sobjects"),
                transport.encode(Map.of("allOrNone", false, "records", records)),
                "application/json", Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() != 200) {
            return transport.failure(response);
        }
        List<Map<String, Object>> results;
        try {
            results = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (IOException e) {
            return new Outcome.ServerError<>(response.statusCode(), "UNEXPECTED_RESPONSE", "unreadable save results: " + e.getMessage());
        }
        if (results.size() != updates.size()) {
            return new Outcome.ServerError<>(response.statusCode(), "UNEXPECTED_RESPONSE",
                    "Salesforce answered " + results.size() + " save results for " + updates.size() + " records");
        }
        List<RecordResult> outcomes = new ArrayList<>();
        for (Map<String, Object> result : results) {
            if (Boolean.TRUE.equals(result.get("success"))) {
                outcomes.add(RecordResult.saved());
            } else {
                Map<?, ?> error = result.get("errors") instanceof List<?> errors && !errors.isEmpty() && errors.getFirst() instanceof Map<?, ?> e
                        ? e
                        : Map.of();
                outcomes.add(RecordResult.refused(String.valueOf(error.get("statusCode")), String.valueOf(error.get("message"))));
            }
        }
        return new Outcome.Ok<>(outcomes);
    }

    /** Reads one record's fields ({@code GET /sobjects/{type}/{id}?fields=}); all fields when none are named. */
    public Outcome<Map<String, Object>> get(String objectType, String id, List<String> fields) {
        String query = fields.isEmpty() ? "" : "?fields=" + URLEncoder.encode(String.join(",", fields), StandardCharsets.UTF_8);
        Outcome<Map<String, Object>> record = transport.json("GET", transport.api("/sobjects/" + objectType + "/" + id + query), null);
        if (record instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> value)) {
            Map<String, Object> withoutAttributes = new LinkedHashMap<>(value);
            withoutAttributes.remove("attributes");
            return new Outcome.Ok<>(withoutAttributes);
        }
        return record;
    }

    /** Creates a record ({@code POST /sobjects/{type}}) and answers its 18-character ID. */
    public Outcome<String> create(String objectType, Map<String, Object> fields) {
        Outcome<Map<String, Object>> created = transport.json("POST", transport.api("/sobjects/" + objectType), fields);
        return created.map(body -> String.valueOf(body.get("id")));
    }

    /**
     * Sets fields to {@code true} on one record ({@code PATCH /sobjects/{type}/{id}}, answered {@code 204}). A refusal
     * comes back as {@link Outcome.RequestRejected} with Salesforce's code ({@code ENTITY_IS_DELETED} on a 404 included).
     */
    public Outcome<Void> update(RecordUpdate update) {
        Map<String, Object> fields = new LinkedHashMap<>();
        update.fields().forEach(field -> fields.put(field, Boolean.TRUE));
        Outcome<Map<String, Object>> patched = transport.json("PATCH", transport.api("/sobjects/" + update.objectType() + "/" + update.id()), fields);
        return patched.map(body -> null);
    }

    /** Deletes a record ({@code DELETE /sobjects/{type}/{id}}). */
    public Outcome<Void> delete(String objectType, String id) {
        Outcome<Map<String, Object>> deleted = transport.json("DELETE", transport.api("/sobjects/" + objectType + "/" + id), null);
        return deleted.map(body -> null);
    }

    /**
     * Describes an sObject. Answers are cached and revalidated with {@code If-Modified-Since}, so an unchanged schema
     * costs a {@code 304} and no parsing.
     */
    public Outcome<Describe> describe(String objectType) {
        Cached cached = describes.get(objectType);
        Map<String, String> headers = cached == null || cached.lastModified() == null ? Map.of() : Map.of("If-Modified-Since", cached.lastModified());
        Outcome<HttpResponse<String>> call = transport.send("GET", transport.api("/sobjects/" + objectType + "/describe"), null, null, headers);
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() == 304 && cached != null) {
            return new Outcome.Ok<>(cached.describe());
        }
        if (response.statusCode() != 200) {
            return transport.failure(response);
        }
        Map<String, Object> body = transport.parseObject(response.body());
        List<Describe.Field> fields = new ArrayList<>();
        if (body.get("fields") instanceof List<?> list) {
            for (Object element : list) {
                if (element instanceof Map<?, ?> f) {
                    fields.add(new Describe.Field(String.valueOf(f.get("name")), String.valueOf(f.get("label")),
                            String.valueOf(f.get("type")), Boolean.TRUE.equals(f.get("updateable"))));
                }
            }
        }
        Describe describe = new Describe(String.valueOf(body.getOrDefault("name", objectType)), fields);
        describes.put(objectType, new Cached(describe, response.headers().firstValue("Last-Modified").orElse(null)));
        return new Outcome.Ok<>(describe);
    }

    /** The daily API allowance. */
    public Outcome<Limits> limits() {
        Outcome<HttpResponse<String>> call = transport.send("GET", transport.api("/limits"), null, null, Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() != 200) {
            return transport.failure(response);
        }
        Map<?, ?> daily = transport.parseObject(response.body()).get("DailyApiRequests") instanceof Map<?, ?> m ? m : Map.of();
        return new Outcome.Ok<>(new Limits(number(daily.get("Max")), number(daily.get("Remaining"))));
    }

    /**
     * Runs a SOQL query ({@code queryAll} when {@code includeDeleted}) and hands every record to {@code rows}, following
     * {@code nextRecordsUrl} page by page. Answers the number of records.
     */
    public Outcome<Long> query(String soql, boolean includeDeleted, Consumer<Map<String, Object>> rows) {
        String next = transport.api((includeDeleted ? "/queryAll" : "/query") + "?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        long count = 0;
        while (next != null) {
            Outcome<HttpResponse<String>> call = transport.send("GET", next, null, null, Map.of("Sforce-Query-Options", "batchSize=2000"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return transport.failure(response);
            }
            Map<String, Object> page = transport.parseObject(response.body());
            if (page.get("records") instanceof List<?> records) {
                for (Object record : records) {
                    if (record instanceof Map<?, ?> map) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        map.forEach((k, v) -> {
                            if (!"attributes".equals(k)) {
                                row.put(String.valueOf(k), v);
                            }
                        });
                        rows.accept(row);
                        count++;
                    }
                }
            }
            next = Boolean.TRUE.equals(page.get("done")) || !(page.get("nextRecordsUrl") instanceof String url) ? null : url;
        }
        return new Outcome.Ok<>(count);
    }

    /**
     * Runs a Bulk API 2.0 query job and streams its results: every row, as column name to text, goes to {@code rows},
     * one results page (at most {@code pageSize} rows) in memory at a time. Answers the number of rows.
     */
    public Outcome<Long> bulkQuery(String soql, int pageSize, Consumer<Map<String, String>> rows) {
        return bulk.bulkQuery(soql, pageSize, rows);
    }

    /**
     * Sets fields to {@code true} on many records of one object through a Bulk API 2.0 ingest job (upload, close,
     * wait, read results). For diffs too large for Collections calls: one job instead of one call per 200 records.
     */
    public Outcome<IngestResult> bulkUpdate(String objectType, List<RecordUpdate> updates) {
        return bulk.bulkUpdate(objectType, updates);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }
}
