package dev.unsubsync.capture.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.EventIds;
import dev.unsubsync.schemas.PersonKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a submitted unsubscribe into an {@link UnsubscribeRecorded} event and makes it durable: checked first by the
 * {@link UnsubscribeValidator} (every problem of a request at once), then published; a retry with the same idempotency
 * key answers the earlier event; a batch is published in one go, each item answered on its own.
 */
@FrameworkFree
public final class UnsubscribeRecorder {

    private final EventPublisher publisher;
    private final Clock clock;
    private final UnsubscribeValidator validator;
    private final Cache<String, UnsubscribeRecorded> recentKeys = Caffeine.newBuilder().maximumSize(RECENT_KEYS).build();

    /** Idempotency keys remembered per instance to answer a retry without writing again. */
    static final int RECENT_KEYS = 100_000;

    public UnsubscribeRecorder(EventPublisher publisher, Clock clock, Duration maxClockSkew) {
        this.publisher = publisher;
        this.clock = clock;
        this.validator = new UnsubscribeValidator(maxClockSkew);
    }

    /** What {@link #record(UnsubscribeRequest, String, String)} did: the event, and whether it was an earlier one. */
    public record Recorded(UnsubscribeRecorded event, boolean replayed) {
    }

    /**
     * Records one unsubscribe idempotently. The key is the {@code Idempotency-Key} header, else the request's
     * {@code upstreamEventId}; with one, the event id is derived from the caller and the key, so a retry is the same
     * event: this instance answers it from memory without writing again, and should it reach another instance (or come
     * after a restart) it is written again under the same event id, which every consumer treats as the same event.
     *
     * @param idempotencyKey the header's value, or null
     * @throws InvalidUnsubscribeException when the request breaks an input rule, or the key is reused for another person
     */
    public Recorded record(UnsubscribeRequest request, String origin, String idempotencyKey) {
        try {
            return recordAsync(request, origin, idempotencyKey).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * As {@link #record(UnsubscribeRequest, String, String)}, answering at once: invalid input throws here, and the
     * future completes once Kafka holds the event (or fails with {@link EventNotDurableException}).
     */
    public CompletableFuture<Recorded> recordAsync(UnsubscribeRequest request, String origin, String idempotencyKey) {
        String key = idempotencyKey != null && !idempotencyKey.isBlank()
                ? idempotencyKey.trim()
                : request.upstreamEventId() != null && !request.upstreamEventId().isBlank() ? request.upstreamEventId().trim() : null;
        UnsubscribeRecorded event = toEvent(request, origin);
        if (key == null) {
            return publisher.publishAsync(PersonKey.of(event.getEmail()), event).thenApply(done -> new Recorded(event, false));
        }
        if (key.length() > 255) {
            throw new InvalidUnsubscribeException(List.of(new FieldError("Idempotency-Key", "must be at most 255 characters, was " + key.length())));
        }
        String scoped = origin + "|" + key;
        UnsubscribeRecorded keyed = UnsubscribeRecorded.newBuilder(event).setEventId(keyedEventId(origin, key)).build();
        UnsubscribeRecorded earlier = recentKeys.getIfPresent(scoped);
        if (earlier != null) {
            if (!PersonKey.of(earlier.getEmail()).equals(PersonKey.of(keyed.getEmail()))) {
                throw new InvalidUnsubscribeException(List.of(new FieldError("Idempotency-Key",
                        "was used for " + earlier.getEmail() + " already; a new unsubscribe needs a new key")));
            }
            return CompletableFuture.completedFuture(new Recorded(earlier, true));
        }
        return publisher.publishAsync(PersonKey.of(keyed.getEmail()), keyed).thenApply(done -> {
            recentKeys.put(scoped, keyed);
            return new Recorded(keyed, false);
        });
    }

    /**
     * Validates and records one unsubscribe.
     *
     * @param origin name of the credential or system that submitted it
     * @return the recorded event, once Kafka holds it durably
     * @throws InvalidUnsubscribeException when the request breaks an input rule
     * @throws EventNotDurableException    when Kafka did not acknowledge it in time
     */
    public UnsubscribeRecorded record(UnsubscribeRequest request, String origin) {
        return record(request, origin, null).event();
    }

    /** The event id of a keyed unsubscribe: the same for the same caller and key, whichever instance records it. */
    static String keyedEventId(String origin, String key) {
        return EventIds.derived(origin + "|" + key);
    }

    /** Most unsubscribes one batch request may carry. */
    public static final int MAX_BATCH = 500;

    /**
     * The outcome of one item of a batch: recorded (with its event), invalid (with every problem), or not durable (why).
     */
    public record ItemOutcome(int index, UnsubscribeRecorded recorded, List<FieldError> errors, String notDurable) {
    }

    /**
     * Validates and records up to {@link #MAX_BATCH} unsubscribes: every valid one is published, all acknowledgements
     * are awaited together, and each item gets its own outcome.
     */
    public List<ItemOutcome> recordAll(List<UnsubscribeRequest> requests, String origin) {
        return recordAll(requests, Collections.nCopies(requests.size(), null), origin);
    }

    /**
     * As {@link #recordAll(List, String)}, with an idempotency key per item for the items without an
     * {@code upstreamEventId} (a Kafka record's key or place): the event id is derived from it, so the item recorded
     * again is the same event.
     */
    public List<ItemOutcome> recordAll(List<UnsubscribeRequest> requests, List<String> keys, String origin) {
        if (requests.size() > MAX_BATCH) {
            throw new InvalidUnsubscribeException(List.of(new FieldError("unsubscribes", "at most " + MAX_BATCH + " per request, got " + requests.size())));
        }
        List<ItemOutcome> outcomes = new ArrayList<>();
        List<Map.Entry<String, SpecificRecord>> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                UnsubscribeRecorded event = toEvent(
                        requests.get(i) == null ? new UnsubscribeRequest(null, null, null, null, null, null, null, null, null) : requests.get(i), origin);
                if (event.getUpstreamEventId() != null) {
                    // The same derived id as a single request with this upstream id: a re-sent item is the same event.
                    event.setEventId(keyedEventId(origin, event.getUpstreamEventId()));
                } else if (keys.get(i) != null) {
                    event.setEventId(keyedEventId(origin, keys.get(i)));
                }
                valid.add(Map.entry(PersonKey.of(event.getEmail()), event));
                validIndex.add(i);
                outcomes.add(new ItemOutcome(i, event, List.of(), null));
            } catch (InvalidUnsubscribeException e) {
                outcomes.add(new ItemOutcome(i, null, e.errors(), null));
            }
        }
        List<EventPublisher.Published> published = publisher.publishAll(valid);
        for (int v = 0; v < valid.size(); v++) {
            int index = validIndex.get(v);
            if (published.get(v) instanceof EventPublisher.Published.NotDurable(String why)) {
                outcomes.set(index, new ItemOutcome(index, null, List.of(), why));
            }
        }
        return outcomes;
    }

    /**
     * Records that an admin removed a person's unsubscribe on the sales side. It is never pushed to Salesforce: removing
     * it there is the admin's second, separate act (docs/architecture.md, "Decisions").
     */
    public UnsubscribeRemoved remove(String email, String reason, String removedBy) {
        return remove(email, reason, removedBy, null);
    }

    /** As {@link #remove(String, String, String)}, for one list or topic only when {@code topic} is given. */
    public UnsubscribeRemoved remove(String email, String reason, String removedBy, String topic) {
        return remove(email, reason, removedBy, topic, null);
    }

    /**
     * As {@link #remove(String, String, String, String)}, for a re-subscribe that happened at {@code occurredAt} (a
     * provider's own time; {@code null}: now). The time orders it against the person's unsubscribes, whatever order they
     * arrive in: an older re-subscribe undoes no newer unsubscribe ({@code PersonTimeline.removalTakesEffect}).
     */
    public UnsubscribeRemoved remove(String email, String reason, String removedBy, String topic, Instant occurredAt) {
        String address = validator.removalAddress(email, reason);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        // A time ahead of ours is taken as now: a re-subscribe cannot be made to outrank unsubscribes still to come.
        Instant occurred = occurredAt == null || occurredAt.isAfter(now) ? now : occurredAt.truncatedTo(ChronoUnit.MILLIS);
        UnsubscribeRemoved removed = UnsubscribeRemoved.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setEmail(address)
                .setRemovedBy(removedBy)
                .setReason(UnsubscribeValidator.blankToNull(reason))
                .setOccurredAt(occurred)
                .setRecordedAt(now)
                .setTopic(UnsubscribeValidator.blankToNull(topic))
                .build();
        publisher.publish(PersonKey.of(address), removed);
        return removed;
    }

    /** Checks an email address and optional Salesforce ID as an unsubscribe would, without recording anything. */
    public void validatePerson(String email, String salesforceId) {
        validator.validatePerson(email, salesforceId, clock.instant());
    }

    UnsubscribeRecorded toEvent(UnsubscribeRequest request, String origin) {
        return validator.toEvent(request, origin, clock.instant());
    }
}
