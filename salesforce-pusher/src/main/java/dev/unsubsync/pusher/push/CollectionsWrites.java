package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.kit.Sleeper;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * How a batch's updates reach Salesforce: sObject Collections calls of at most 200 records, several at a time; a locked
 * record tried again alone a few times; a converted or merged record followed to where it lives on. {@link OptOutPusher}
 * decides what to write and what each outcome means; this class only writes.
 */
@FrameworkFree
final class CollectionsWrites {

    /** Per-record codes after which the record may live on elsewhere. */
    private static final Set<String> SUCCESSOR_CODES = Set.of("CANNOT_UPDATE_CONVERTED_LEAD", "ENTITY_IS_DELETED");
    private static final int MAX_HOPS = 3;
    /** Tries of a locked record after the first, within the batch. */
    private static final int INLINE_RETRIES = 3;
    private static final Duration INLINE_RETRY_PAUSE = Duration.ofMillis(100);

    /** What one write ended as: the record finally written (or refusing) and its result. */
    record Target(RecordUpdate update, RecordResult result) {
    }

    /** Salesforce could not take part of a batch; {@link #saved} are the records it did save, by write key. */
    static final class PartialWrite extends TransientPushFailure {
        private final transient Map<String, RecordResult> saved;

        PartialWrite(String message, Map<String, RecordResult> saved) {
            super(message);
            this.saved = saved;
        }

        Map<String, RecordResult> saved() {
            return saved;
        }
    }

    private final SalesforceWriter salesforce;
    private final Executor calls;
    private final Sleeper sleeper;

    CollectionsWrites(SalesforceWriter salesforce, Executor calls, Sleeper sleeper) {
        this.salesforce = salesforce;
        this.calls = calls;
        this.sleeper = sleeper;
    }

    /** The key of an update: the record and the fields it sets. */
    static String writeKey(RecordUpdate update) {
        return update.id() + "|" + String.join(",", update.fields());
    }

    /**
     * Writes every update; a record that refused because it was converted or merged is written again at its successor,
     * up to a few hops. Answers, by write key, the record finally written (or refusing) and its result.
     */
    Map<String, Target> write(Map<String, RecordUpdate> writes) {
        Map<String, Target> targets = new LinkedHashMap<>();
        Map<String, RecordUpdate> round = new LinkedHashMap<>(writes);
        for (int hop = 0; hop <= MAX_HOPS && !round.isEmpty(); hop++) {
            Map<String, RecordResult> results = writeRetryingLocked(new ArrayList<>(dedupe(round).values()));
            Map<String, RecordUpdate> next = new LinkedHashMap<>();
            for (Map.Entry<String, RecordUpdate> entry : round.entrySet()) {
                RecordUpdate update = entry.getValue();
                RecordResult result = results.get(writeKey(update));
                targets.put(entry.getKey(), new Target(update, result));
                if (hop < MAX_HOPS && result instanceof RecordResult.Permanent p && SUCCESSOR_CODES.contains(p.statusCode())) {
                    Outcome<Optional<String>> successor = salesforce.successor(update.objectType(), update.id());
                    if (!(successor instanceof Outcome.Ok<Optional<String>>(Optional<String> found))) {
                        throw new TransientPushFailure("could not look up where " + update.id() + " went: " + successor.describe());
                    }
                    found.filter(id -> !id.equals(update.id())).ifPresent(id -> {
                        String type = SalesforceId.parse(id).personObjectType().orElse(update.objectType());
                        next.put(entry.getKey(), new RecordUpdate(type, SalesforceId.parse(id).to18(), update.fields()));
                    });
                }
            }
            round = next;
        }
        return targets;
    }

    private static Map<String, RecordUpdate> dedupe(Map<String, RecordUpdate> round) {
        Map<String, RecordUpdate> unique = new LinkedHashMap<>();
        round.values().forEach(update -> unique.putIfAbsent(writeKey(update), update));
        return unique;
    }

    /**
     * Writes in calls of at most 200 records, Contacts before Leads so each call holds at most two chunks, several calls
     * at a time. A record refused for now (a locked row) is tried again alone, a few times with a growing pause, while
     * the others keep their results; if it stays locked its result stays {@link RecordResult.Retryable} and the caller
     * sends it on the retry path. Anything but an answer per record fails the batch: Salesforce as a whole cannot take
     * it now (a request refused whole is a requirement not met yet, so the events wait rather than drop).
     */
    private Map<String, RecordResult> writeRetryingLocked(List<RecordUpdate> updates) {
        Map<String, RecordResult> results = new LinkedHashMap<>();
        List<RecordUpdate> pending = new ArrayList<>(updates);
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round > 0) {
                try {
                    sleeper.sleep(Duration.ofMillis(INLINE_RETRY_PAUSE.toMillis() << (round - 1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransientPushFailure("interrupted while waiting to retry a locked record");
                }
            }
            Map<String, RecordResult> answered = writeOnce(pending);
            results.putAll(answered);
            pending = pending.stream().filter(u -> answered.get(writeKey(u)) instanceof RecordResult.Retryable).toList();
            if (round >= INLINE_RETRIES) {
                break;
            }
        }
        return results;
    }

    private Map<String, RecordResult> writeOnce(List<RecordUpdate> updates) {
        List<RecordUpdate> sorted = new ArrayList<>(updates);
        sorted.sort(Comparator.comparing(RecordUpdate::objectType));
        List<List<RecordUpdate>> chunks = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += SalesforceWriter.MAX_RECORDS_PER_CALL) {
            chunks.add(sorted.subList(from, Math.min(sorted.size(), from + SalesforceWriter.MAX_RECORDS_PER_CALL)));
        }
        List<CompletableFuture<Outcome<List<RecordResult>>>> inFlight = chunks.stream()
                .map(chunk -> CompletableFuture.supplyAsync(() -> salesforce.update(chunk), calls))
                .toList();
        Map<String, RecordResult> results = new LinkedHashMap<>();
        String failure = null;
        for (int c = 0; c < chunks.size(); c++) {
            Outcome<List<RecordResult>> outcome;
            try {
                outcome = inFlight.get(c).join();
            } catch (CompletionException e) {
                failure = failure != null ? failure : "Salesforce call failed: " + e.getCause();
                continue;
            }
            if (!(outcome instanceof Outcome.Ok<List<RecordResult>>(List<RecordResult> perRecord))) {
                failure = failure != null ? failure : outcome.describe();
                continue;
            }
            List<RecordUpdate> call = chunks.get(c);
            for (int i = 0; i < call.size(); i++) {
                results.put(writeKey(call.get(i)), perRecord.get(i));
            }
        }
        if (failure != null) {
            // Every call was waited for: what Salesforce saved is known, so the retry writes only the rest.
            throw new PartialWrite(failure, results);
        }
        return results;
    }
}
