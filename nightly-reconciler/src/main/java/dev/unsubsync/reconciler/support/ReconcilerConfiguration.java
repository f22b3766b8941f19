package dev.unsubsync.reconciler.support;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PostConstruct;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings of nightly-reconciler, under {@code reconciler.*}. */
// Created and validated at start-up, so a missing setting stops the service before it serves anything.
@Context
@ConfigurationProperties("reconciler")
public class ReconcilerConfiguration {

    /** Bearer token of the {@code /v1/runs} API (RECONCILER_API_TOKEN); give it capture's token to share one credential. */
    @Nullable
    private String apiToken;

    /** Optional properties file of named API keys with their scopes ({@code name=key scope,scope}), re-read when it changes, as capture's. */
    @Nullable
    private String apiKeysFile;

    /** Kafka Streams threads of this instance (each runs some of the partitions' tasks). Default 2. */
    @Min(1)
    @Max(32)
    private int streamThreads = 2;

    /**
     * How often Kafka Streams commits (each commit ends a transaction: exactly once). Longer means fewer transactions and
     * fuller batches while millions of records stream through (a full load of the directory); shorter, that what it writes
     * is readable sooner. Default 100 ms (Kafka's under exactly-once).
     */
    @NotNull
    private Duration streamsCommitInterval = Duration.ofMillis(100);

    /**
     * Memory all of this instance's RocksDB stores share, in MiB: their block cache, index and filter blocks and (up to
     * half) their memtables, off the heap. Default 128. Size the container as heap + this + ~250 MiB.
     */
    @Min(16)
    @Max(65_536)
    private int rocksdbMemoryMib = 128;

    /** Rows per Bulk API results page read into memory at a time during the snapshot. Default 50,000. */
    @Min(1)
    @Max(1_000_000)
    private int snapshotPageSize = 50_000;

    /**
     * Longest a run waits for the diff and for the pusher's answers to the pushes it asked for. What is still unanswered
     * then is reported as failed with NO_ANSWER. Default 30 minutes.
     */
    @NotNull
    private Duration phaseTimeout = Duration.ofMinutes(30);

    /** How often a long run logs its progress. Default 10 s. */
    @NotNull
    private Duration progressInterval = Duration.ofSeconds(10);

    /** Where Kafka Streams keeps its local state (RocksDB). Default {@code <java.io.tmpdir>/nightly-reconciler-streams}. */
    @Nullable
    private String stateDir;

    /**
     * Whether this service keeps the people directory ({@code salesforce-people}): a full Bulk API load at first start,
     * with every nightly run and at least every {@link #directoryFullLoadEvery}, and an incremental poll every
     * {@link #directoryPollInterval}. Default true. Off, unsubscribes without a Salesforce ID are still resolved by the
     * pusher's live lookups (more API calls), and a person's record created later is not opted out until it is on.
     */
    private boolean directoryEnabled = true;

    /** How often the leader asks Salesforce for Contacts and Leads changed or deleted since the last poll. Default 1 min. */
    @NotNull
    private Duration directoryPollInterval = Duration.ofMinutes(1);

    /**
     * How far before the last SystemModstamp seen each poll starts reading again, against clock skew between Salesforce's
     * servers and long transactions committing late. Default 2 min.
     */
    @NotNull
    private Duration directoryOverlap = Duration.ofMinutes(2);

    /** Longest time between two full loads of the directory (a nightly run also starts one). Default 24 h. */
    @NotNull
    private Duration directoryFullLoadEvery = Duration.ofHours(24);

    public boolean isDirectoryEnabled() {
        return directoryEnabled;
    }

    public void setDirectoryEnabled(boolean directoryEnabled) {
        this.directoryEnabled = directoryEnabled;
    }

    public Duration getDirectoryPollInterval() {
        return directoryPollInterval;
    }

    public void setDirectoryPollInterval(Duration directoryPollInterval) {
        this.directoryPollInterval = directoryPollInterval;
    }

    public Duration getDirectoryOverlap() {
        return directoryOverlap;
    }

    public void setDirectoryOverlap(Duration directoryOverlap) {
        this.directoryOverlap = directoryOverlap;
    }

    public Duration getDirectoryFullLoadEvery() {
        return directoryFullLoadEvery;
    }

    public void setDirectoryFullLoadEvery(Duration directoryFullLoadEvery) {
        this.directoryFullLoadEvery = directoryFullLoadEvery;
    }

    /** Names every missing setting at once, rather than one per restart. */
    @PostConstruct
    void requireSecrets() {
        List<String> problems = new ArrayList<>();
        if ((apiToken == null || apiToken.isBlank()) && (apiKeysFile == null || apiKeysFile.isBlank())) {
            problems.add("reconciler.api-token must be set (environment variable RECONCILER_API_TOKEN), or reconciler.api-keys-file: "
                    + "the bearer token of the /v1/runs API");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Missing or invalid settings:\n  " + String.join("\n  ", problems));
        }
    }

    @Nullable
    public String getApiToken() {
        return apiToken;
    }

    public void setApiToken(@Nullable String apiToken) {
        this.apiToken = apiToken;
    }

    @Nullable
    public String getApiKeysFile() {
        return apiKeysFile;
    }

    public void setApiKeysFile(@Nullable String apiKeysFile) {
        this.apiKeysFile = apiKeysFile;
    }

    public int getStreamThreads() {
        return streamThreads;
    }

    public void setStreamThreads(int streamThreads) {
        this.streamThreads = streamThreads;
    }

    public Duration getStreamsCommitInterval() {
        return streamsCommitInterval;
    }

    public void setStreamsCommitInterval(Duration streamsCommitInterval) {
        this.streamsCommitInterval = streamsCommitInterval;
    }

    public int getRocksdbMemoryMib() {
        return rocksdbMemoryMib;
    }

    public void setRocksdbMemoryMib(int rocksdbMemoryMib) {
        this.rocksdbMemoryMib = rocksdbMemoryMib;
    }

    public int getSnapshotPageSize() {
        return snapshotPageSize;
    }

    public void setSnapshotPageSize(int snapshotPageSize) {
        this.snapshotPageSize = snapshotPageSize;
    }

    public Duration getPhaseTimeout() {
        return phaseTimeout;
    }

    public void setPhaseTimeout(Duration phaseTimeout) {
        this.phaseTimeout = phaseTimeout;
    }

    public Duration getProgressInterval() {
        return progressInterval;
    }

    public void setProgressInterval(Duration progressInterval) {
        this.progressInterval = progressInterval;
    }

    @Nullable
    public String getStateDir() {
        return stateDir;
    }

    public void setStateDir(@Nullable String stateDir) {
        this.stateDir = stateDir;
    }
}
