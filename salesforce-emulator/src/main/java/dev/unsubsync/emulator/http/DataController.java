package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.FieldDef;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.RecordError;
import dev.unsubsync.emulator.domain.SObjectType;
import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Salesforce's REST data API for records: sObject rows (create, read — the integration User too —, update, delete) and
 * sObject Collections create and update.
 */
@Controller("/services/data")
public class DataController {

    /** Largest number of records one sObject Collections call takes. */
    static final int MAX_COLLECTION_RECORDS = 200;
    private static final int MAX_CHUNKS = 10;

    private final Org org;
    private final JsonMapper json;

    public DataController(Org org, JsonMapper json) {
        this.org = org;
        this.json = json;
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
            throw new SalesforceException(400, "INVALID_BATCH_REQUEST",
                    "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.");
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
            result.put("errors", created.error() == null
                    ? List.of()
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

}
