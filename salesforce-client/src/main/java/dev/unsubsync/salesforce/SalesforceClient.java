package dev.unsubsync.salesforce;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * (Over 300 lines, not split here: issue 14 cuts this client along its seams — authentication, transport, REST, Bulk
 * query and ingest, describe cache, usage — as one step with the callers' retry decisions; splitting it piecemeal first
 * would mean moving every caller twice.)
 *
 * <p>Salesforce's REST and Bulk API 2.0, as this system uses them: OAuth 2.0 (client credentials or JWT bearer) at the
 * configured login URL, then every call at the {@code instance_url} the token came with. The token is cached; a
 * {@code 401} gets one fresh token and one retry, and a second {@code 401} is an authentication failure, not a loop.
 * Every answer comes back as an {@link Outcome}; nothing here throws for a Salesforce answer, and timeouts or refused
 * connections are {@link Outcome.NetworkError}s.
 */
@Singleton
public class SalesforceClient {

    /** Largest number of records one sObject Collections call takes. */
    public static final int MAX_RECORDS_PER_CALL = 200;

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceClient.class);
    private static final Pattern LIMIT_INFO = Pattern.compile("api-usage=(\\d+)/(\\d+)");

    /** A session: the token and where to use it. */
    private record Session(String accessToken, String instanceUrl) {
        @Override
        public String toString() {
            // Never print a token.
            return "Session[" + instanceUrl + "]";
        }
    }

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

    private final SalesforceConfiguration config;
    private final JsonMapper json;
    private final HttpClient http;
    private final AtomicReference<Session> session = new AtomicReference<>();
    private final AtomicReference<ApiUsage> usage = new AtomicReference<>();
    private final Map<String, Cached> describes = new ConcurrentHashMap<>();

    public SalesforceClient(SalesforceConfiguration config, JsonMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.getConnectTimeout()).build();
    }

    /** Usage of the daily API allowance, from the last {@code Sforce-Limit-Info} header seen. */
    public Optional<ApiUsage> apiUsage() {
        return Optional.ofNullable(usage.get());
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
        Outcome<HttpResponse<String>> call = send("PATCH", api("/composite/sobjects"), encode(Map.of("allOrNone", false, "records", records)),
                "application/json", Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() != 200) {
            return failure(response);
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
                Map<?, ?> error = result.get("errors") instanceof List<?> errors && !errors.isEmpty() && errors.getFirst() instanceof Map<?, ?> e ? e : Map.of();
                outcomes.add(RecordResult.refused(String.valueOf(error.get("statusCode")), String.valueOf(error.get("message"))));
            }
        }
        return new Outcome.Ok<>(outcomes);
    }

    /** Reads one record's fields ({@code GET /sobjects/{type}/{id}?fields=}); all fields when none are named. */
    public Outcome<Map<String, Object>> get(String objectType, String id, List<String> fields) {
        String query = fields.isEmpty() ? "" : "?fields=" + URLEncoder.encode(String.join(",", fields), StandardCharsets.UTF_8);
        Outcome<Map<String, Object>> record = json("GET", api("/sobjects/" + objectType + "/" + id + query), null);
        if (record instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> value)) {
            Map<String, Object> withoutAttributes = new LinkedHashMap<>(value);
            withoutAttributes.remove("attributes");
            return new Outcome.Ok<>(withoutAttributes);
        }
        return record;
    }

    /** Creates a record ({@code POST /sobjects/{type}}) and answers its 18-character ID. */
    public Outcome<String> create(String objectType, Map<String, Object> fields) {
        Outcome<Map<String, Object>> created = json("POST", api("/sobjects/" + objectType), fields);
        if (created instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> body)) {
            return new Outcome.Ok<>(String.valueOf(body.get("id")));
        }
        return created.retyped();
    }

    /**
     * Sets fields to {@code true} on one record ({@code PATCH /sobjects/{type}/{id}}, answered {@code 204}). A refusal
     * comes back as {@link Outcome.RequestRejected} with Salesforce's code ({@code ENTITY_IS_DELETED} on a 404 included).
     */
    public Outcome<Void> update(RecordUpdate update) {
        Map<String, Object> fields = new LinkedHashMap<>();
        update.fields().forEach(field -> fields.put(field, Boolean.TRUE));
        Outcome<Map<String, Object>> patched = json("PATCH", api("/sobjects/" + update.objectType() + "/" + update.id()), fields);
        return patched instanceof Outcome.Ok<Map<String, Object>> ? new Outcome.Ok<>(null) : patched.retyped();
    }

    /** Deletes a record ({@code DELETE /sobjects/{type}/{id}}). */
    public Outcome<Void> delete(String objectType, String id) {
        Outcome<Map<String, Object>> deleted = json("DELETE", api("/sobjects/" + objectType + "/" + id), null);
        return deleted instanceof Outcome.Ok<Map<String, Object>> ? new Outcome.Ok<>(null) : deleted.retyped();
    }

    /**
     * Describes an sObject. Answers are cached and revalidated with {@code If-Modified-Since}, so an unchanged schema
     * costs a {@code 304} and no parsing.
     */
    public Outcome<Describe> describe(String objectType) {
        Cached cached = describes.get(objectType);
        Map<String, String> headers = cached == null || cached.lastModified() == null ? Map.of() : Map.of("If-Modified-Since", cached.lastModified());
        Outcome<HttpResponse<String>> call = send("GET", api("/sobjects/" + objectType + "/describe"), null, null, headers);
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() == 304 && cached != null) {
            return new Outcome.Ok<>(cached.describe());
        }
        if (response.statusCode() != 200) {
            return failure(response);
        }
        Map<String, Object> body = parseObject(response.body());
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
        Outcome<HttpResponse<String>> call = send("GET", api("/limits"), null, null, Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() != 200) {
            return failure(response);
        }
        Map<?, ?> daily = parseObject(response.body()).get("DailyApiRequests") instanceof Map<?, ?> m ? m : Map.of();
        return new Outcome.Ok<>(new Limits(number(daily.get("Max")), number(daily.get("Remaining"))));
    }

    /**
     * Runs a SOQL query ({@code queryAll} when {@code includeDeleted}) and hands every record to {@code rows}, following
     * {@code nextRecordsUrl} page by page. Answers the number of records.
     */
    public Outcome<Long> query(String soql, boolean includeDeleted, Consumer<Map<String, Object>> rows) {
        String next = api((includeDeleted ? "/queryAll" : "/query") + "?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        long count = 0;
        while (next != null) {
            Outcome<HttpResponse<String>> call = send("GET", next, null, null, Map.of("Sforce-Query-Options", "batchSize=2000"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return failure(response);
            }
            Map<String, Object> page = parseObject(response.body());
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
        Outcome<Map<String, Object>> created = json("POST", api("/jobs/query"), Map.of("operation", "query", "query", soql));
        if (!(created instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
            return created.retyped();
        }
        String id = String.valueOf(job.get("id"));
        Outcome<Map<String, Object>> done = awaitJob(api("/jobs/query/" + id));
        if (!(done instanceof Outcome.Ok<Map<String, Object>>)) {
            return done.retyped();
        }
        long count = 0;
        String locator = null;
        do {
            String path = api("/jobs/query/" + id + "/results?maxRecords=" + pageSize + (locator == null ? "" : "&locator=" + URLEncoder.encode(locator, StandardCharsets.UTF_8)));
            Outcome<HttpResponse<String>> call = send("GET", path, null, null, Map.of("Accept", "text/csv"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return failure(response);
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
    public Outcome<IngestResult> bulkUpdate(String objectType, List<RecordUpdate> updates) {
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
        Outcome<Map<String, Object>> created = json("POST", api("/jobs/ingest"),
                Map.of("object", objectType, "operation", "update", "contentType", "CSV", "lineEnding", "LF"));
        if (!(created instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
            return created.retyped();
        }
        String id = String.valueOf(job.get("id"));
        Outcome<HttpResponse<String>> upload = send("PUT", api("/jobs/ingest/" + id + "/batches"), csv.toString(), "text/csv", Map.of());
        if (!(upload instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> uploaded))) {
            return upload.retyped();
        }
        if (uploaded.statusCode() != 201) {
            return failure(uploaded);
        }
        Outcome<Map<String, Object>> closed = json("PATCH", api("/jobs/ingest/" + id), Map.of("state", "UploadComplete"));
        if (!(closed instanceof Outcome.Ok<Map<String, Object>>)) {
            return closed.retyped();
        }
        Outcome<Map<String, Object>> done = awaitJob(api("/jobs/ingest/" + id));
        if (!(done instanceof Outcome.Ok<Map<String, Object>>)) {
            return done.retyped();
        }
        Map<String, RecordResult> results = new LinkedHashMap<>();
        for (String kind : List.of("successfulResults", "failedResults")) {
            Outcome<HttpResponse<String>> call = send("GET", api("/jobs/ingest/" + id + "/" + kind), null, null, Map.of("Accept", "text/csv"));
            if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
                return call.retyped();
            }
            if (response.statusCode() != 200) {
                return failure(response);
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
        return new Outcome.Ok<>(new IngestResult(id, results));
    }

    /** Polls a Bulk job until it is complete; a failed or aborted job is a rejected request with its message. */
    private Outcome<Map<String, Object>> awaitJob(String path) {
        Instant deadline = Instant.now().plus(config.getBulkJobTimeout());
        Duration interval = Duration.ofMillis(100);
        while (true) {
            Outcome<Map<String, Object>> status = json("GET", path, null);
            if (!(status instanceof Outcome.Ok<Map<String, Object>>(Map<String, Object> job))) {
                return status;
            }
            String state = String.valueOf(job.get("state"));
            switch (state) {
                case "JobComplete" -> {
                    return status;
                }
                case "Failed", "Aborted" -> {
                    return new Outcome.RequestRejected<>(400, "JOB_" + state.toUpperCase(java.util.Locale.ROOT),
                            String.valueOf(job.getOrDefault("errorMessage", "Bulk job " + state)));
                }
                default -> {
                    if (Instant.now().isAfter(deadline)) {
                        return new Outcome.NetworkError<>("Bulk job " + job.get("id") + " still " + state + " after " + config.getBulkJobTimeout());
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(interval.toMillis());
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

    /** A JSON request whose 2xx answer is a JSON object. */
    private Outcome<Map<String, Object>> json(String method, String path, Object body) {
        Outcome<HttpResponse<String>> call = send(method, path, body == null ? null : encode(body), body == null ? null : "application/json", Map.of());
        if (!(call instanceof Outcome.Ok<HttpResponse<String>>(HttpResponse<String> response))) {
            return call.retyped();
        }
        if (response.statusCode() / 100 != 2) {
            return failure(response);
        }
        return new Outcome.Ok<>(parseObject(response.body()));
    }

    /** One API call with the cached session, re-authenticating once on 401. */
    private Outcome<HttpResponse<String>> send(String method, String path, String body, String contentType, Map<String, String> headers) {
        for (int attempt = 1; ; attempt++) {
            Session current = session.get();
            if (current == null) {
                Optional<Outcome<HttpResponse<String>>> authFailure = authenticate();
                if (authFailure.isPresent()) {
                    return authFailure.get();
                }
                current = session.get();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(current.instanceUrl() + path))
                    .timeout(config.getRequestTimeout())
                    .header("Authorization", "Bearer " + current.accessToken())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (!headers.containsKey("Accept")) {
                request.header("Accept", "application/json");
            }
            headers.forEach(request::header);
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return new Outcome.NetworkError<>(method + " " + stripQuery(path) + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.NetworkError<>("interrupted");
            }
            recordUsage(response);
            if (response.statusCode() == 401) {
                session.compareAndSet(current, null);
                if (attempt == 1) {
                    LOG.info("Salesforce session expired or invalid; getting a new token and retrying once");
                    continue;
                }
                ErrorBody error = errorBody(response);
                return new Outcome.AuthFailed<>(error.code(), "a fresh token was refused too: " + error.message());
            }
            return new Outcome.Ok<>(response);
        }
    }

    private <T> Optional<Outcome<T>> authenticate() {
        String form;
        try {
            form = switch (config.getAuthFlow()) {
                case CLIENT_CREDENTIALS -> "grant_type=client_credentials&client_id=" + enc(config.getClientId())
                        + "&client_secret=" + enc(config.getClientSecret());
                case JWT_BEARER -> "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + enc(JwtAssertion.sign(
                        config.getJwtPrivateKey(), config.getClientId(), config.getJwtUsername(), config.getJwtAudience(), Instant.now()));
            };
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return Optional.of(new Outcome.AuthFailed<>("invalid_private_key", "could not sign the JWT assertion: " + e.getMessage()));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.getLoginUrl() + "/services/oauth2/token"))
                .timeout(config.getRequestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = parseObject(response.body());
            if (response.statusCode() == 200 && body.get("access_token") instanceof String token && body.get("instance_url") instanceof String instanceUrl) {
                session.set(new Session(token, instanceUrl.endsWith("/") ? instanceUrl.substring(0, instanceUrl.length() - 1) : instanceUrl));
                LOG.info("Authenticated to Salesforce ({}); API calls go to {}", config.getAuthFlow(), instanceUrl);
                return Optional.empty();
            }
            if (response.statusCode() >= 500) {
                return Optional.of(new Outcome.ServerError<>(response.statusCode(), "TOKEN_ENDPOINT_ERROR", "token endpoint answered " + response.statusCode()));
            }
            String error = String.valueOf(body.getOrDefault("error", "http_" + response.statusCode()));
            String description = String.valueOf(body.getOrDefault("error_description", ""));
            LOG.warn("Salesforce refused the credentials of client {}: {} {}", config.getClientId(), error, description);
            return Optional.of(new Outcome.AuthFailed<>(error, description));
        } catch (IOException e) {
            return Optional.of(new Outcome.NetworkError<>("token endpoint " + config.getLoginUrl() + ": " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Outcome.NetworkError<>("interrupted"));
        }
    }

    private <T> Outcome<T> failure(HttpResponse<String> response) {
        ErrorBody error = errorBody(response);
        int status = response.statusCode();
        if (status == 403 && "REQUEST_LIMIT_EXCEEDED".equals(error.code())) {
            return new Outcome.RateLimited<>(error.message());
        }
        if (status >= 500) {
            return new Outcome.ServerError<>(status, error.code(), error.message());
        }
        return new Outcome.RequestRejected<>(status, error.code(), error.message());
    }

    private record ErrorBody(String code, String message) {
    }

    private ErrorBody errorBody(HttpResponse<String> response) {
        try {
            List<Map<String, Object>> errors = json.readValue(response.body(), Argument.listOf(Argument.mapOf(String.class, Object.class)));
            if (errors != null && !errors.isEmpty()) {
                return new ErrorBody(String.valueOf(errors.getFirst().get("errorCode")), String.valueOf(errors.getFirst().get("message")));
            }
        } catch (IOException | RuntimeException e) {
            // not Salesforce's error shape: fall through
        }
        String text = response.body() == null ? "" : response.body();
        return new ErrorBody("HTTP_" + response.statusCode(), text.length() > 200 ? text.substring(0, 200) : text);
    }

    private String encode(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode a request body", e);
        }
    }

    private Map<String, Object> parseObject(String body) {
        try {
            Map<String, Object> map = json.readValue(body, Argument.mapOf(String.class, Object.class));
            return map == null ? Map.of() : map;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    private void recordUsage(HttpResponse<String> response) {
        response.headers().firstValue("Sforce-Limit-Info").ifPresent(value -> {
            Matcher m = LIMIT_INFO.matcher(value);
            if (m.find()) {
                usage.set(new ApiUsage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        });
    }

    private String api(String path) {
        return "/services/data/" + config.getApiVersion() + path;
    }

    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
