package dev.unsubsync.emulator.domain;

import java.time.Instant;
import java.util.List;

/** A Bulk API 2.0 query job: the IDs its SOQL selected when it was created, rendered a page at a time. */
public final class BulkQueryJob {
    final String id;
    final String operation;
    final Soql.Query query;
    final String apiVersion;
    final Instant created;
    volatile BulkJobs.State state = BulkJobs.State.UploadComplete;
    volatile Instant modified;
    final List<String> ids;
    volatile boolean polled;

    BulkQueryJob(String id, String operation, Soql.Query query, String apiVersion, Instant created, List<String> ids) {
        this.id = id;
        this.operation = operation;
        this.query = query;
        this.apiVersion = apiVersion;
        this.created = created;
        this.modified = created;
        this.ids = ids;
    }

    public String id() {
        return id;
    }
    public String operation() {
        return operation;
    }
    public String object() {
        return query.type().name();
    }
    public String apiVersion() {
        return apiVersion;
    }
    public Instant created() {
        return created;
    }
    public Instant modified() {
        return modified;
    }
    public BulkJobs.State state() {
        return state;
    }
    public int size() {
        return ids.size();
    }
}
