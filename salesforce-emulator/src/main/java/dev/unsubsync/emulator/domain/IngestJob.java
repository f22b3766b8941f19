package dev.unsubsync.emulator.domain;

import java.time.Instant;
import java.util.Optional;

/** An ingest job of the emulator's Bulk API 2.0: its settings, state and per-record results. */
public final class IngestJob {
    final String id;
    final String operation;
    final SObjectType type;
    final String apiVersion;
    final Instant created;
    volatile Instant modified;
    volatile BulkJobs.State state = BulkJobs.State.Open;
    volatile String errorMessage;
    final StringBuilder uploaded = new StringBuilder();
    final StringBuilder successful = new StringBuilder();
    final StringBuilder failed = new StringBuilder();
    final StringBuilder unprocessed = new StringBuilder();
    volatile int processed;
    volatile int failures;

    IngestJob(String id, String operation, SObjectType type, String apiVersion, Instant created) {
        this.id = id;
        this.operation = operation;
        this.type = type;
        this.apiVersion = apiVersion;
        this.created = created;
        this.modified = created;
    }

    public String id() {
        return id;
    }
    public String operation() {
        return operation;
    }
    public String object() {
        return type.name();
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
    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }
    public int processed() {
        return processed;
    }
    public int failures() {
        return failures;
    }
}
