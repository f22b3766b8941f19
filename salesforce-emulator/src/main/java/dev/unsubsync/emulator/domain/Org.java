package dev.unsubsync.emulator.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The emulated org's data: Contacts and Leads held in memory, with Salesforce's rules for creating, reading, updating
 * and deleting them through the API, applied under one lock. Thread-safe; each operation is atomic. What a write may set
 * is {@link FieldWrites}; what a query selects, {@link OrgQueries}; what a user does in Salesforce's own pages
 * (convert, merge, undelete, edit), {@link UserEdits}.
 */
public final class Org {

    private volatile OrgSchema schema;
    private volatile Instant schemaModified;
    private final Clock clock;
    private final Faults faults;
    private final Map<String, Map<String, Object>> records = new LinkedHashMap<>();
    private long nextNumber = 1;
    private long optOutsCleared;

    public Org(OrgSchema schema, Clock clock, Faults faults) {
        this.schema = schema;
        this.clock = clock;
        this.faults = faults;
        this.schemaModified = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** When the schema (fields, their access) last changed: describe's Last-Modified. */
    public Instant schemaModified() {
        return schemaModified;
    }

    private void schemaChanged() {
        // HTTP dates have whole seconds: make sure a change is always a later second than the last one.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        schemaModified = now.isAfter(schemaModified) ? now : schemaModified.plusSeconds(1);
    }

    /**
     * Installs the Marketo Sales Opt Out field under {@code apiName}, or removes it when empty, as installing or
     * uninstalling the sales-insight package would. Existing records gain the field unchecked, or lose it.
     */
    public synchronized void setMarketoField(Optional<String> apiName) {
        Optional<String> previous = schema.marketoField();
        schema = schema.withMarketoField(apiName);
        schemaChanged();
        for (Map<String, Object> record : records.values()) {
            previous.ifPresent(record::remove);
            apiName.ifPresent(name -> record.put(name, Boolean.FALSE));
        }
    }

    /** Sets field-level security for the integration user on one field. */
    public synchronized void setFieldAccess(String type, String field, OrgSchema.FieldAccess access) {
        schema = schema.withAccess(type, field, access);
        schemaChanged();
    }

    /** Back to every field editable. */
    public synchronized void clearFieldAccess() {
        schema = new OrgSchema(schema.marketoField());
        schemaChanged();
    }

    /** Forgets every record and starts numbering IDs again, as a fresh org. */
    public synchronized void clear() {
        records.clear();
        nextNumber = 1;
        optOutsCleared = 0;
    }

    /** Number of records of a type, deleted ones included. */
    public synchronized int count(SObjectType type) {
        int n = 0;
        for (String id : records.keySet()) {
            if (id.startsWith(type.prefix())) {
                n++;
            }
        }
        return n;
    }

    /** Number of records, deleted ones included. */
    public synchronized int size() {
        return records.size();
    }

    public OrgSchema schema() {
        return schema;
    }

    /** Creates a record and answers its new 18-character ID. */
    public synchronized String create(SObjectType type, Map<String, Object> fields) {
        List<String> missing = new ArrayList<>();
        for (String required : type.requiredOnCreate()) {
            Object value = fields.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(required))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (value == null || value instanceof String s && s.isBlank()) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new SalesforceException(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: " + missing, missing);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        for (FieldDef field : type.fields()) {
            record.put(field.name(), field.type().equals("boolean") ? Boolean.FALSE : null);
        }
        if (type.name().equals("Lead")) {
            record.put("Status", "Open - Not Contacted");
        }
        FieldWrites.apply(type, record, fields, true).ifPresent(error -> {
            throw error.asRequestError();
        });
        String id = OrgIds.numbered(type.prefix(), nextNumber++);
        record.put("Id", id);
        stamp(record, Identity.USER_ID);
        record.put("CreatedDate", record.get("LastModifiedDate"));
        record.put("CreatedById", Identity.USER_ID);
        records.put(id, record);
        return id;
    }

    /** A copy of a live record; deleted records answer {@code ENTITY_IS_DELETED}, unknown ones {@code NOT_FOUND}. */
    public synchronized Map<String, Object> get(SObjectType type, String rawId) {
        Map<String, Object> record = find(type, rawId);
        if (Boolean.TRUE.equals(record.get("IsDeleted"))) {
            throw SalesforceException.entityDeleted();
        }
        return new LinkedHashMap<>(record);
    }

    /** Updates one record; answers the per-record error when Salesforce would refuse it, and then changes nothing. */
    public synchronized Optional<RecordError> update(SObjectType type, String rawId, Map<String, Object> changes) {
        Optional<RecordError> error = check(type, rawId, changes);
        if (error.isEmpty()) {
            apply(type, rawId, changes);
        }
        return error;
    }

    /** Whether Salesforce would take this update: the record's state, the fields, and any injected refusal. */
    private Optional<RecordError> check(SObjectType type, String rawId, Map<String, Object> changes) {
        Map<String, Object> record;
        try {
            record = find(type, rawId);
        } catch (SalesforceException e) {
            return Optional.of(new RecordError(e.errorCode(), e.getMessage(), List.of()));
        }
        if (Boolean.TRUE.equals(record.get("IsDeleted"))) {
            return Optional.of(new RecordError("ENTITY_IS_DELETED", "entity is deleted", List.of()));
        }
        if (Boolean.TRUE.equals(record.get("IsConverted"))) {
            return Optional.of(new RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", List.of()));
        }
        Optional<RecordError> invalid = FieldWrites.apply(type, new LinkedHashMap<>(record), changes, false);
        return invalid.isPresent() ? invalid : faults.recordFailure((String) record.get("Id"));
    }

    /**
     * How many times an API write turned an opt-out field from true to false. Our services must never do that (no
     * resubscribe is ever synced); tests read this to prove it.
     */
    public synchronized long optOutsCleared() {
        return optOutsCleared;
    }

    private void apply(SObjectType type, String rawId, Map<String, Object> changes) {
        Map<String, Object> record = find(type, rawId);
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            String name = type.field(change.getKey()).map(FieldDef::name).orElse(change.getKey());
            boolean optOutField = name.equals("HasOptedOutOfEmail") || schema.marketoField().filter(name::equals).isPresent();
            if (optOutField && Boolean.TRUE.equals(record.get(name)) && Boolean.FALSE.equals(change.getValue())) {
                optOutsCleared++;
            }
        }
        FieldWrites.apply(type, record, changes, false);
        stamp(record, Identity.USER_ID);
    }

    /**
     * Stamps a change to {@code record}: when ({@code LastModifiedDate}, {@code SystemModstamp}) and by whom
     * ({@code LastModifiedById}: the integration user for API writes, {@link Identity#SALES_USER_ID} for a user's edits).
     */
    void stamp(Map<String, Object> record, String userId) {
        Instant now = clock.instant();
        record.put("LastModifiedDate", now);
        record.put("SystemModstamp", now);
        record.put("LastModifiedById", userId);
    }

    /** One record of a Collections update: its type and ID, the changes, or the error found before it reached the org. */
    public record Change(SObjectType type, String id, Map<String, Object> fields, RecordError invalid) {
    }

    /** Marker result of a record rolled back because another record of an all-or-none request failed. */
    public static final RecordError ROLLED_BACK = new RecordError("ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "Record rolled back because not all records were valid and the request was using AllOrNone header", List.of());

    /**
     * Updates several records in request order, as sObject Collections does: one result per record (empty when saved).
     * With {@code allOrNone}, one failure saves nothing and every other record reports {@link #ROLLED_BACK}.
     */
    public synchronized List<Optional<RecordError>> updateAll(List<Change> changes, boolean allOrNone) {
        List<Optional<RecordError>> results = new ArrayList<>();
        if (allOrNone) {
            for (Change change : changes) {
                results.add(change.invalid() != null ? Optional.of(change.invalid()) : check(change.type(), change.id(), change.fields()));
            }
            if (results.stream().anyMatch(Optional::isPresent)) {
                return results.stream().map(r -> r.isPresent() ? r : Optional.of(ROLLED_BACK)).toList();
            }
            changes.forEach(change -> apply(change.type(), change.id(), change.fields()));
            return results;
        }
        for (Change change : changes) {
            results.add(change.invalid() != null ? Optional.of(change.invalid()) : update(change.type(), change.id(), change.fields()));
        }
        return results;
    }

    /** One record of a Collections create: its type and fields, or the error found before it reached the org. */
    public record NewRecord(SObjectType type, Map<String, Object> fields, RecordError invalid) {
    }

    /** Answer for one record of a Collections create: the new ID, or why it was not created. */
    public record Created(String id, RecordError error) {
    }

    /**
     * Creates several records in request order, as sObject Collections does: one answer per record. With
     * {@code allOrNone}, one failure creates nothing and every other record reports {@link #ROLLED_BACK}.
     */
    public synchronized List<Created> createAll(List<NewRecord> newRecords, boolean allOrNone) {
        List<Created> answers = new ArrayList<>();
        for (NewRecord newRecord : newRecords) {
            if (newRecord.invalid() != null) {
                answers.add(new Created(null, newRecord.invalid()));
                continue;
            }
            try {
                answers.add(new Created(create(newRecord.type(), newRecord.fields()), null));
            } catch (SalesforceException e) {
                answers.add(new Created(null, new RecordError(e.errorCode(), e.getMessage(), e.fields())));
            }
        }
        if (allOrNone && answers.stream().anyMatch(a -> a.error() != null)) {
            answers.stream().filter(a -> a.id() != null).forEach(a -> records.remove(a.id()));
            return answers.stream().map(a -> a.error() != null ? a : new Created(null, ROLLED_BACK)).toList();
        }
        return answers;
    }

    /** Moves a record to the recycle bin ({@code IsDeleted = true}). */
    public synchronized void delete(SObjectType type, String rawId) {
        Map<String, Object> record = find(type, rawId);
        if (Boolean.TRUE.equals(record.get("IsDeleted"))) {
            throw SalesforceException.entityDeleted();
        }
        record.put("IsDeleted", Boolean.TRUE);
        stamp(record, Identity.USER_ID);
    }

    /** IDs of the records a query selects, in its order; {@code includeDeleted} for {@code queryAll}. */
    public synchronized List<String> selectIds(Soql.Query query, boolean includeDeleted) {
        return OrgQueries.selectIds(records.values(), query, includeDeleted);
    }

    /** The named fields of each record, in order; a record gone since it was selected yields nulls. */
    public synchronized List<List<Object>> project(List<String> ids, List<String> fields) {
        return OrgQueries.project(records, ids, fields);
    }

    /** Rows of a query, each with the selected fields by name; {@code includeDeleted} for {@code queryAll}. */
    public synchronized List<Map<String, Object>> query(Soql.Query query, boolean includeDeleted) {
        return OrgQueries.query(records.values(), query, includeDeleted);
    }

    Map<String, Object> find(SObjectType type, String rawId) {
        Map<String, Object> record = records.get(OrgIds.parse(rawId, type).to18());
        if (record == null) {
            throw SalesforceException.notFound();
        }
        return record;
    }
}
