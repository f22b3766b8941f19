package dev.unsubsync.emulator.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Salesforce's real failure modes, switched on at run time (the {@code /__admin} API) or at start-up (config), so tests
 * can meet them on purpose: latency, a share of requests failing with a 5xx, and records refused with a given code.
 */
public final class Faults {

    /** Messages Salesforce sends with the per-record codes we inject. */
    private static final Map<String, String> MESSAGES = Map.of(
            "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records",
            "ENTITY_IS_DELETED", "entity is deleted",
            "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Validation rule failed: opt-out changes are blocked",
            "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id",
            "ENTITY_IS_LOCKED", "the entity is locked for editing",
            "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]");

    /**
     * Refuse records with {@code statusCode}: those in {@code ids} (any record when empty), each with probability
     * {@code share}, at most {@code times} times in all (unlimited when negative).
     */
    public record RecordRule(String statusCode, Set<String> ids, double share, int times) {
    }

    /**
     * What to inject.
     *
     * @param latency      added to every data API call
     * @param failShare    share (0..1) of data API calls that fail whole
     * @param failStatus   503 ({@code SERVER_UNAVAILABLE}) or 500 ({@code UNKNOWN_EXCEPTION})
     * @param recordRules  per-record refusals
     * @param dropShare    share (0..1) of data API calls whose connection is closed without an answer
     */
    public record Settings(Duration latency, double failShare, int failStatus, List<RecordRule> recordRules, double dropShare) {

        public static Settings none() {
            return new Settings(Duration.ZERO, 0, 503, List.of(), 0);
        }
    }

    private Settings settings = Settings.none();
    private long requestFailuresInjected;
    private long recordFailuresInjected;
    private long connectionsDropped;
    private final List<int[]> remaining = new ArrayList<>();

    /** Replaces what is injected. */
    public synchronized void set(Settings settings) {
        for (RecordRule rule : settings.recordRules()) {
            if (!MESSAGES.containsKey(rule.statusCode())) {
                throw new IllegalArgumentException("statusCode must be one of " + MESSAGES.keySet() + ", was " + rule.statusCode());
            }
        }
        if (settings.failStatus() != 500 && settings.failStatus() != 503) {
            throw new IllegalArgumentException("failStatus must be 500 or 503, was " + settings.failStatus());
        }
        if (settings.failShare() < 0 || settings.failShare() > 1) {
            throw new IllegalArgumentException("failShare must be between 0 and 1, was " + settings.failShare());
        }
        if (settings.dropShare() < 0 || settings.dropShare() > 1) {
            throw new IllegalArgumentException("dropShare must be between 0 and 1, was " + settings.dropShare());
        }
        this.settings = settings;
        remaining.clear();
        settings.recordRules().forEach(rule -> remaining.add(new int[]{rule.times()}));
    }

    public synchronized Settings settings() {
        return settings;
    }

    /** How many failures were injected since start-up, by kind: tests use it to prove the faults really happened. */
    public synchronized Map<String, Long> injected() {
        return Map.of("requestFailures", requestFailuresInjected, "recordFailures", recordFailuresInjected, "connectionsDropped", connectionsDropped);
    }

    /** The latency to add to this call. */
    public synchronized Duration latency() {
        return settings.latency();
    }

    /** Whether to close this call's connection without answering. */
    public synchronized boolean dropConnection() {
        boolean drop = settings.dropShare() > 0 && ThreadLocalRandom.current().nextDouble() < settings.dropShare();
        if (drop) {
            connectionsDropped++;
        }
        return drop;
    }

    /** A whole-request failure to answer this call with, if one is drawn. */
    public synchronized Optional<SalesforceException> requestFailure() {
        if (settings.failShare() > 0 && ThreadLocalRandom.current().nextDouble() < settings.failShare()) {
            requestFailuresInjected++;
            return Optional.of(settings.failStatus() == 500
                    ? new SalesforceException(500, "UNKNOWN_EXCEPTION",
                            "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (-1)")
                    : new SalesforceException(503, "SERVER_UNAVAILABLE", "Server is unavailable. Please try again later."));
        }
        return Optional.empty();
    }

    /** A refusal to answer for this record, if a rule applies and is drawn. */
    public synchronized Optional<RecordError> recordFailure(String id18) {
        List<RecordRule> rules = settings.recordRules();
        for (int i = 0; i < rules.size(); i++) {
            RecordRule rule = rules.get(i);
            int[] left = remaining.get(i);
            if (left[0] == 0 || !(rule.ids().isEmpty() || rule.ids().contains(id18))) {
                continue;
            }
            if (rule.share() >= 1 || ThreadLocalRandom.current().nextDouble() < rule.share()) {
                if (left[0] > 0) {
                    left[0]--;
                }
                recordFailuresInjected++;
                return Optional.of(new RecordError(rule.statusCode(), MESSAGES.get(rule.statusCode()), List.of()));
            }
        }
        return Optional.empty();
    }
}
