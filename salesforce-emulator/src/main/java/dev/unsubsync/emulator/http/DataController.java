package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.FieldDef;
import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.RecordError;
import dev.unsubsync.emulator.domain.SObjectType;
import dev.unsubsync.emulator.domain.SalesforceException;
import dev.unsubsync.emulator.domain.Soql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * (Over 250 lines: the REST data resources of one API version as Salesforce groups them; the rules live in Org, the
 * queries in Soql.)
 *
 * <p>Salesforce's REST data API for Contacts and Leads: sObject rows, describe, sObject Collections update, SOQL query and
 * queryAll with cursor paging, and limits.
 */
@Controller("/services/data")
public class DataController {

    private static final int MAX_COLLECTION_RECORDS = 200;
    private static final int MAX_CHUNKS = 10;
    private static final int DEFAULT_BATCH_SIZE = 2000;

    private final Org org;
    private final ApiUsage usage;
    private final JsonMapper json;
    private final Map<String, List<Map<String, Object>>> cursors = new ConcurrentHashMap<>();

    public DataController(Org org, ApiUsage usage, JsonMapper json) {
        this.org = org;
        this.usage = usage;
        this.json = json;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public List<Map<String, String>> versions() {
        List<Map<String, String>> versions = new ArrayList<>();
        for (int v = 58; v <= 64; v++) {
            versions.add(Map.of("label", "v" + v + ".0", "url", "/services/data/v" + v + ".0", "version", v + ".0"));
        }
        return versions;
    }

    /** The resources of one API version, by name ({@code GET /services/data/vXX.X}). */
    @Get(value = "/{version}", produces = MediaType.APPLICATION_JSON)
    public Map<String, String> resources(@PathVariable String version) {
        Map<String, String> resources = new java.util.TreeMap<>();
        for (String name : List.of("composite", "identity", "jobs", "limits", "query", "queryAll", "sobjects")) {
            resources.put(name, "/services/data/" + version + "/" + name);
        }
        resources.put("identity", "/id/" + Identity.ORG_ID + "/" + Identity.USER_ID);
        return resources;
    }

    /** Describe global ({@code GET /sobjects}): every sObject this org has, with its URLs. */
    @Get(value = "/{version}/sobjects", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> describeGlobal(@PathVariable String version) {
        List<Map<String, Object>> sobjects = new ArrayList<>();
        for (SObjectType type : org.schema().types()) {
            sobjects.add(sObjectSummary(version, type.name(), type.prefix(), true));
        }
        sobjects.add(sObjectSummary(version, "Organization", "00D", false));
        sobjects.add(sObjectSummary(version, "User", "005", false));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("encoding", "UTF-8");
        body.put("maxBatchSize", MAX_COLLECTION_RECORDS);
        body.put("sobjects", sobjects);
        return body;
    }

    /** An sObject's basic information ({@code GET /sobjects/{type}}): its summary and the recently viewed (none here). */
    @Get(value = "/{version}/sobjects/{type}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> basicInfo(@PathVariable String version, @PathVariable String type) {
        SObjectType sObject = org.schema().require(type);
        return Map.of("objectDescribe", sObjectSummary(version, sObject.name(), sObject.prefix(), true), "recentItems", List.of());
    }

    private static Map<String, Object> sObjectSummary(String version, String name, String prefix, boolean writable) {
        String base = "/services/data/" + version + "/sobjects/" + name;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", name);
        summary.put("label", name);
        summary.put("labelPlural", name + "s");
        summary.put("keyPrefix", prefix);
        summary.put("custom", false);
        summary.put("queryable", true);
        summary.put("retrieveable", true);
        summary.put("searchable", writable);
        summary.put("createable", writable);
        summary.put("updateable", writable);
        summary.put("deletable", writable);
        summary.put("urls", Map.of("sobject", base, "describe", base + "/describe", "rowTemplate", base + "/{ID}"));
        return summary;
    }

    @Get(value = "/{version}/limits", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> limits(@PathVariable String version) {
        return Map.of("DailyApiRequests", Map.of("Max", usage.max(), "Remaining", usage.max() - usage.used()));
    }

    @Get(value = "/{version}/sobjects/{type}/describe", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> describe(@PathVariable String version, @PathVariable String type,
                                    @Nullable @Header("If-Modified-Since") String ifModifiedSince) {
        SObjectType sObject = org.schema().require(type);
        Instant schemaModified = org.schemaModified();
        if (ifModifiedSince != null && !schemaModified.isAfter(parseHttpDate(ifModifiedSince))) {
            return HttpResponse.notModified();
        }
        List<Map<String, Object>> fields = new ArrayList<>();
        for (FieldDef field : sObject.fields()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", field.name());
            f.put("label", field.label());
            f.put("type", field.type());
            f.put("updateable", field.updateable());
            f.put("createable", field.createable());
            f.put("nillable", field.nillable());
            f.put("custom", field.custom());
            f.put("length", field.length());
            f.put("soapType", switch (field.type()) {
                case "boolean" -> "xsd:boolean";
                case "datetime" -> "xsd:dateTime";
                case "id", "reference" -> "tns:ID";
                default -> "xsd:string";
            });
            fields.add(f);
        }
        String base = "/services/data/" + version + "/sobjects/" + sObject.name();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", sObject.name());
        body.put("label", sObject.name());
        body.put("labelPlural", sObject.name() + "s");
        body.put("keyPrefix", sObject.prefix());
        body.put("custom", false);
        body.put("createable", true);
        body.put("updateable", true);
        body.put("queryable", true);
        body.put("fields", fields);
        body.put("urls", Map.of("sobject", base, "describe", base + "/describe", "rowTemplate", base + "/{ID}"));
        return HttpResponse.ok(body).header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(schemaModified.atZone(java.time.ZoneOffset.UTC)));
    }

    @Post(value = "/{version}/sobjects/{type}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> create(@PathVariable String version, @PathVariable String type, @Body String body) {
        SObjectType sObject = org.schema().require(type);
        String id = org.create(sObject, Json.object(json, body));
        return HttpResponse.status(HttpStatus.CREATED).body(Map.of("id", id, "success", true, "errors", List.of()));
    }

    @Get(value = "/{version}/sobjects/{type}/{id}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> read(@PathVariable String version, @PathVariable String type, @PathVariable String id,
                                    @Nullable @QueryValue String fields) {
        if (type.equalsIgnoreCase("User")) {
            // The org's one user: the integration user the tokens are for.
            if (!Identity.USER_ID.startsWith(id.length() >= 15 ? id.substring(0, 15) : id + "?")) {
                throw new SalesforceException(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + id);
            }
            return Json.record(version, "User", Identity.userRecord());
        }
        SObjectType sObject = org.schema().require(type);
        Map<String, Object> record = org.get(sObject, id);
        if (fields != null && !fields.isBlank()) {
            Map<String, Object> selected = new LinkedHashMap<>();
            for (String name : fields.split(",")) {
                FieldDef def = sObject.field(name.trim()).orElseThrow(() -> new SalesforceException(400, "INVALID_FIELD",
                        "No such column '" + name.trim() + "' on entity '" + sObject.name() + "'."));
                selected.put(def.name(), record.get(def.name()));
            }
            selected.putIfAbsent("Id", record.get("Id"));
            record = selected;
        }
        return Json.record(version, sObject.name(), record);
    }

    @Patch(value = "/{version}/sobjects/{type}/{id}", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> update(@PathVariable String version, @PathVariable String type, @PathVariable String id, @Body String body) {
        SObjectType sObject = org.schema().require(type);
        Optional<RecordError> error = org.update(sObject, id, Json.object(json, body));
        if (error.isPresent()) {
            throw error.get().asRequestError();
        }
        return HttpResponse.noContent();
    }

    @Delete("/{version}/sobjects/{type}/{id}")
    public HttpResponse<?> delete(@PathVariable String version, @PathVariable String type, @PathVariable String id) {
        org.delete(org.schema().require(type), id);
        return HttpResponse.noContent();
    }

    @Patch(value = "/{version}/composite/sobjects", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> updateCollection(@PathVariable String version, @Body String body) {
        Map<String, Object> request = Json.object(json, body);
        List<?> records = collectionRecords(request);
        boolean allOrNone = Boolean.TRUE.equals(request.get("allOrNone"));
        List<Org.Change> changes = new ArrayList<>();
        String previousType = null;
        int chunks = 0;
        for (Object element : records) {
            Org.Change change = change(element);
            String typeName = change.type() == null ? null : change.type().name();
            if (typeName != null && !typeName.equals(previousType)) {
                chunks++;
                previousType = typeName;
            }
            changes.add(change);
        }
        if (chunks > MAX_CHUNKS) {
            throw new SalesforceException(400, "INVALID_BATCH_REQUEST", "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.");
        }
        List<Optional<RecordError>> results = org.updateAll(changes, allOrNone);
        List<Map<String, Object>> saveResults = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            Map<String, Object> result = new LinkedHashMap<>();
            Optional<RecordError> error = results.get(i);
            String id = changes.get(i).id();
            if (error.isEmpty() || error.get() == Org.ROLLED_BACK) {
                result.put("id", id);
            }
            result.put("success", error.isEmpty());
            result.put("errors", error.map(e -> List.of(Map.of("statusCode", e.statusCode(), "message", e.message(), "fields", e.fields())))
                    .orElse(List.of()));
            saveResults.add(result);
        }
        return saveResults;
    }

    /** sObject Collections create: up to 200 records of any supported type, one save result per record, in order. */
    @Post(value = "/{version}/composite/sobjects", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> createCollection(@PathVariable String version, @Body String body) {
        Map<String, Object> request = Json.object(json, body);
        List<?> records = collectionRecords(request);
        List<Org.NewRecord> newRecords = new ArrayList<>();
        for (Object element : records) {
            Org.Change change = change(element);
            Map<String, Object> fields = new LinkedHashMap<>(change.fields());
            fields.remove("attributes");
            RecordError invalid = change.invalid();
            if (invalid != null && invalid.statusCode().equals("MISSING_ARGUMENT")) {
                invalid = null;
            } else if (invalid == null) {
                invalid = new RecordError("INVALID_FIELD", "cannot specify Id in an insert call", List.of("Id"));
            }
            newRecords.add(new Org.NewRecord(change.type(), fields, invalid));
        }
        List<Map<String, Object>> saveResults = new ArrayList<>();
        for (Org.Created created : org.createAll(newRecords, Boolean.TRUE.equals(request.get("allOrNone")))) {
            Map<String, Object> result = new LinkedHashMap<>();
            if (created.id() != null) {
                result.put("id", created.id());
            }
            result.put("success", created.error() == null);
            result.put("errors", created.error() == null ? List.of()
                    : List.of(Map.of("statusCode", created.error().statusCode(), "message", created.error().message(), "fields", created.error().fields())));
            saveResults.add(result);
        }
        return saveResults;
    }

    /** The {@code records} of a Collections request: an array of at most 200. */
    private static List<?> collectionRecords(Map<String, Object> request) {
        if (!(request.get("records") instanceof List<?> records)) {
            throw new SalesforceException(400, "JSON_PARSER_ERROR", "records is required and must be an array");
        }
        if (records.size() > MAX_COLLECTION_RECORDS) {
            throw new SalesforceException(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        }
        return records;
    }

    private Org.Change change(Object element) {
        if (!(element instanceof Map<?, ?> raw)) {
            throw new SalesforceException(400, "JSON_PARSER_ERROR", "each element of records must be an object");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        raw.forEach((k, v) -> fields.put(String.valueOf(k), v));
        Object attributes = fields.get("attributes");
        Object typeName = attributes instanceof Map<?, ?> a ? a.get("type") : null;
        if (typeName == null) {
            return new Org.Change(null, null, fields, new RecordError("INVALID_TYPE", "Must specify a type in attributes", List.of()));
        }
        Optional<SObjectType> type = org.schema().type(String.valueOf(typeName));
        if (type.isEmpty()) {
            return new Org.Change(null, null, fields, new RecordError("INVALID_TYPE", "sObject type '" + typeName + "' is not supported.", List.of()));
        }
        Object id = fields.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Id")).map(Map.Entry::getValue).findFirst().orElse(null);
        if (!(id instanceof String idText) || idText.isBlank()) {
            return new Org.Change(type.get(), null, fields, new RecordError("MISSING_ARGUMENT", "Id not specified in an update call", List.of()));
        }
        return new Org.Change(type.get(), idText, fields, null);
    }

    @Get(value = "/{version}/query", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> query(@PathVariable String version, @Nullable @QueryValue String q,
                                     @Nullable @Header("Sforce-Query-Options") String options, @Nullable @QueryValue String columns) {
        if ("true".equalsIgnoreCase(columns)) {
            return QueryColumns.of(q, org.schema());
        }
        return firstPage(version, q, options, false);
    }

    @Get(value = "/{version}/queryAll", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> queryAll(@PathVariable String version, @Nullable @QueryValue String q,
                                        @Nullable @Header("Sforce-Query-Options") String options) {
        return firstPage(version, q, options, true);
    }

    @Get(value = "/{version}/query/{locator}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> nextPage(@PathVariable String version, @PathVariable String locator) {
        int dash = locator.lastIndexOf('-');
        List<Map<String, Object>> rows = dash < 0 ? null : cursors.get(locator.substring(0, dash));
        if (rows == null) {
            throw new SalesforceException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        String[] position = locator.substring(dash + 1).split(":");
        int offset;
        int batchSize;
        try {
            offset = Integer.parseInt(position[0]);
            batchSize = position.length > 1 ? Integer.parseInt(position[1]) : DEFAULT_BATCH_SIZE;
        } catch (NumberFormatException e) {
            throw new SalesforceException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        return page(version, locator.substring(0, dash), rows, offset, batchSize);
    }

    private Map<String, Object> firstPage(String version, @Nullable String q, @Nullable String options, boolean includeDeleted) {
        if (q == null) {
            throw new SalesforceException(400, "MALFORMED_QUERY", "q parameter is required");
        }
        Optional<Map<String, Object>> organization = QueryColumns.organizationRow(q);
        if (organization.isPresent()) {
            List<Map<String, Object>> one = List.of(Json.record(version, "Organization", organization.get()));
            return Map.of("totalSize", 1, "done", true, "records", QueryColumns.countsOnly(q) ? List.of() : one);
        }
        Soql.Query query = Soql.parse(q, org.schema());
        if (query.countOnly()) {
            return Map.of("totalSize", org.query(query, includeDeleted).size(), "done", true, "records", List.of());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : org.query(query, includeDeleted)) {
            rows.add(Json.record(version, query.type().name(), row));
        }
        String cursor = "01g" + UUID.randomUUID().toString().replace("-", "").substring(0, 15);
        return page(version, cursor, rows, 0, batchSize(options));
    }

    private Map<String, Object> page(String version, String cursor, List<Map<String, Object>> rows, int offset, int batchSize) {
        int end = Math.min(rows.size(), offset + batchSize);
        boolean done = end >= rows.size();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalSize", rows.size());
        body.put("done", done);
        if (done) {
            cursors.remove(cursor);
        } else {
            cursors.put(cursor, rows);
            // The batch size rides in the locator so every page of one cursor has the size the first request asked for.
            String position = batchSize == DEFAULT_BATCH_SIZE ? String.valueOf(end) : end + ":" + batchSize;
            body.put("nextRecordsUrl", "/services/data/" + version + "/query/" + cursor + "-" + position);
        }
        body.put("records", rows.subList(Math.min(offset, rows.size()), end));
        return body;
    }

    private static int batchSize(@Nullable String options) {
        if (options == null) {
            return DEFAULT_BATCH_SIZE;
        }
        for (String option : options.split(",")) {
            String[] pair = option.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("batchSize")) {
                try {
                    int size = Integer.parseInt(pair[1].trim());
                    return Math.max(200, Math.min(DEFAULT_BATCH_SIZE, size));
                } catch (NumberFormatException e) {
                    throw new SalesforceException(400, "INVALID_QUERY_OPTIONS", "batchSize must be a number between 200 and 2000");
                }
            }
        }
        return DEFAULT_BATCH_SIZE;
    }

    private static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
