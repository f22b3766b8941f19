package dev.unsubsync.pusher.push;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.kit.Sleeper;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.fields.FieldChoice;
import dev.unsubsync.pusher.people.People;
import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides, for a batch of events, what to write into Salesforce and what each event's final outcome is (the table in
 * salesforce-pusher/README.md, "Behaviour"), in one pass over the batch; who it reaches is {@link RecordResolver}, how
 * the writes go out {@link CollectionsWrites}.
 *
 * <p>Only {@link UnsubscribeRecorded} is pushed and only {@code true} is written; a removal is never pushed. The fields
 * come from the settings ({@link FieldChoice}). An unsubscribe reaches every Contact and Lead with its email (the people
 * directory, or one batched live query for people it does not list) and the record its Salesforce ID names; a person
 * with no record yet gets {@code NO_SALESFORCE_RECORD} and stays pending (the reconciler opts out a record that appears
 * later). The object type comes from the ID prefix. Events for the same record make one write. A field that describe says is missing or
 * read-only is not written: the event is parked for it (and written for the other fields). A converted Lead is followed
 * to its Contact and a merged record to its master. Other permanent refusals become dead letters. A record refused for
 * now (a locked row) is tried again alone a few times, then sent on the retry path, so it holds up no unrelated record;
 * when Salesforce as a whole cannot take the batch, the whole batch is retried in order. Collections calls for one batch
 * run several at a time.
 */
@FrameworkFree
public final class OptOutPusher {

    /** Per-record codes that mean "this field cannot be written here": a requirement not met, so park, don't drop. */
    private static final Set<String> FIELD_CODES = Set.of("INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE");

    /**
     * An event as consumed.
     *
     * @param onlyFields      for a parked event coming back: the fields it was parked for (empty: the settings decide)
     * @param namedRecordOnly write only the record the event names, not the email's others: a nightly run's or the
     *                        directory's push, which is a decision about one record
     */
    public record Inbound(String key, SpecificRecord event, List<String> onlyFields, boolean namedRecordOnly) {
        public Inbound(String key, SpecificRecord event) {
            this(key, event, List.of(), false);
        }

        public Inbound(String key, SpecificRecord event, List<String> onlyFields) {
            this(key, event, onlyFields, false);
        }
    }

    /**
     * The final outcome of one event.
     *
     * @param results    what to publish on the push-results topic (none for a removal)
     * @param deadLetter Salesforce's code and message when the event goes to the dead-letter topic
     * @param parked     fields it waits for, when a requirement is not met
     */
    public record Decision(Inbound source, List<OptOutPushResult> results, Optional<RecordFailure> deadLetter, Optional<Parking> parked) {
    }

    /** A permanent per-record refusal. */
    public record RecordFailure(String code, String message) {
    }

    private final SalesforceWriter salesforce;
    private final CollectionsWrites writer;
    private final RecordResolver resolver;
    private final Clock clock;
    private final Supplier<SyncSettings> settings;
    private final FieldCheck fieldCheck;
    private final RecentWrites recent;

    /**
     * @param calls  runs Collections calls; several at a time when it has several threads
     * @param recent events written a short while ago, not written again
     * @param sleeper waits between inline retries of a record refused for now
     * @param people the people directory: which Contacts and Leads have an email
     * @param everyRecordForEmail whether an event with a Salesforce ID also reaches the email's other records
     */
    public OptOutPusher(SalesforceWriter salesforce, Clock clock, Supplier<SyncSettings> settings, FieldCheck fieldCheck, Executor calls,
            RecentWrites recent, Sleeper sleeper, People people, boolean everyRecordForEmail) {
        this.salesforce = salesforce;
        this.clock = clock;
        this.settings = settings;
        this.fieldCheck = fieldCheck;
        this.recent = recent;
        this.writer = new CollectionsWrites(salesforce, calls, sleeper);
        this.resolver = new RecordResolver(salesforce, people, everyRecordForEmail);
    }

    /**
     * Pushes a batch and answers one decision per event, in input order.
     *
     * @param attempt how many times this batch has been tried, this time included
     * @throws TransientPushFailure when Salesforce cannot take the batch now; nothing is final then
     */
    public List<Decision> push(List<Inbound> batch, int attempt) {
        List<String> chosen = FieldChoice.fields(settings.get());
        Map<Inbound, Decision> decisions = new LinkedHashMap<>();
        Map<Inbound, List<PersonRecord>> reach = resolve(batch, decisions, chosen, attempt);
        Map<String, RecordUpdate> writes = new LinkedHashMap<>();
        Map<Inbound, List<String>> writeFor = new LinkedHashMap<>();
        Map<Inbound, Parking> parking = new LinkedHashMap<>();
        Map<Inbound, List<OptOutPushResult>> early = new LinkedHashMap<>();
        for (Map.Entry<Inbound, List<PersonRecord>> entry : reach.entrySet()) {
            Inbound inbound = entry.getKey();
            UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
            List<String> wanted = inbound.onlyFields().isEmpty() ? chosen : inbound.onlyFields();
            Map<String, String> unavailableAnywhere = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            List<OptOutPushResult> results = new ArrayList<>();
            for (PersonRecord target : entry.getValue()) {
                Map<String, String> unavailable = fieldCheck.unavailable(target.objectType(), wanted);
                unavailableAnywhere.putAll(unavailable);
                List<String> writable = wanted.stream().filter(f -> !unavailable.containsKey(f)).toList();
                List<String> toWrite = writable.stream().filter(f -> !recent.contains(recentKey(recorded, target), f, clock.instant())).toList();
                if (!writable.isEmpty() && toWrite.isEmpty()) {
                    // This very event was written to this record moments ago (delivered again): no API call.
                    results.add(result(recorded, PushOutcome.WRITTEN, target.id(), target.objectType(), writable, null,
                            "this event was written moments ago; delivered again, not written again", attempt));
                } else if (!toWrite.isEmpty()) {
                    String key = target.id() + "|" + String.join(",", toWrite);
                    writes.putIfAbsent(key, new RecordUpdate(target.objectType(), target.id(), toWrite));
                    keys.add(key);
                }
            }
            if (!unavailableAnywhere.isEmpty()) {
                parking.put(inbound, new Parking(Parking.Kind.FIELD_NOT_WRITABLE, List.copyOf(unavailableAnywhere.keySet()),
                        String.join(" ", new LinkedHashSet<>(unavailableAnywhere.values()))));
            }
            writeFor.put(inbound, keys);
            early.put(inbound, results);
        }

        Map<String, CollectionsWrites.Target> written;
        try {
            written = writer.write(writes);
        } catch (CollectionsWrites.PartialWrite partial) {
            // Retries do not rewrite: the events whose records were saved are remembered as written, so the batch's
            // retry (the same events, read again) spends no call on them.
            writeFor.forEach((inbound, keys) -> {
                UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
                for (String key : keys) {
                    RecordUpdate update = writes.get(key);
                    if (update != null && partial.saved().get(CollectionsWrites.writeKey(update)) instanceof RecordResult.Saved) {
                        update.fields()
                                .forEach(field -> recent.add(recentKey(recorded, new PersonRecord(update.id(), update.objectType())), field, clock.instant()));
                    }
                }
            });
            throw partial;
        }
        for (Inbound inbound : batch) {
            if (decisions.containsKey(inbound)) {
                continue;
            }
            UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
            List<OptOutPushResult> results = new ArrayList<>(early.getOrDefault(inbound, List.of()));
            Optional<RecordFailure> deadLetter = Optional.empty();
            Optional<Parking> parked = Optional.ofNullable(parking.get(inbound));
            for (String key : writeFor.getOrDefault(inbound, List.of())) {
                CollectionsWrites.Target target = written.get(key);
                RecordUpdate update = target.update();
                switch (target.result()) {
                    case RecordResult.Saved s -> {
                        update.fields()
                                .forEach(field -> recent.add(recentKey(recorded, new PersonRecord(update.id(), update.objectType())), field, clock.instant()));
                        results.add(result(recorded, PushOutcome.WRITTEN, update.id(), update.objectType(), update.fields(), null, null, attempt));
                    }
                    case RecordResult.Permanent p when FIELD_CODES.contains(p.statusCode()) -> {
                        // Describe did not know yet: park for these fields and have the check run again.
                        update.fields().forEach(field -> fieldCheck.report(update.objectType(), field, p.statusCode().equals("INVALID_FIELD")
                                ? FieldCheck.missing(update.objectType(), field)
                                : FieldCheck.readOnly(update.objectType(), field)));
                        parked = Optional.of(Parking.withFields(parked, update.fields(), Parking.Kind.FIELD_NOT_WRITABLE, p.statusCode() + ": " + p.message()));
                    }
                    case RecordResult.Permanent p -> {
                        results.add(result(recorded, PushOutcome.REJECTED, update.id(), update.objectType(), List.of(), p.statusCode(), p.message(), attempt));
                        if (deadLetter.isEmpty()) {
                            deadLetter = Optional.of(new RecordFailure(p.statusCode(), update.id() + ": " + p.message()));
                        }
                    }
                    case RecordResult.Retryable r -> {
                        if (!inbound.onlyFields().isEmpty()) {
                            // Already on the retry path: that loop backs off and tries again, holding up no one else.
                            throw new TransientPushFailure("record " + update.id() + " still refused for now (" + r.statusCode() + "): " + r.message());
                        }
                        // Still locked after a few tries: off the main path, so unrelated records are not held up.
                        // Order across the retry path is harmless: only true is ever written.
                        parked = Optional.of(Parking.withFields(parked, update.fields(), Parking.Kind.RETRY_LATER, r.statusCode() + ": " + r.message()));
                    }
                }
            }
            if (parked.isPresent()) {
                results.add(result(recorded, PushOutcome.PARKED, recorded.getSalesforceId(),
                        RecordResolver.salesforceId(recorded).flatMap(SalesforceId::personObjectType).orElse(null),
                        List.of(), parked.get().kind().name(), parked.get().describe(), attempt));
            }
            decisions.put(inbound, new Decision(inbound, results, deadLetter, parked));
        }
        return batch.stream().map(decisions::get).toList();
    }

    private static String recentKey(UnsubscribeRecorded recorded, PersonRecord target) {
        return recorded.getEventId() + "|" + target.id();
    }

    /**
     * Which Contacts and Leads each unsubscribe reaches: the record its Salesforce ID names and, by default, every other
     * record with its email; without an ID, every record with its email, from the people directory or, for a person the
     * directory does not list, from one batched live query for the whole batch. Events that reach nothing (a removal, a
     * topic unsubscribe, a person with no record) are decided here.
     */
    private Map<Inbound, List<PersonRecord>> resolve(List<Inbound> batch, Map<Inbound, Decision> decisions, List<String> chosen, int attempt) {
        List<Inbound> allEmail = new ArrayList<>();
        for (Inbound inbound : batch) {
            switch (inbound.event()) {
                case UnsubscribeRecorded recorded when recorded.getTopic() != null ->
                    // One list or topic only: Salesforce's opt-out fields mean all email, so writing them would widen it.
                    decisions.put(inbound, new Decision(inbound, List.of(result(recorded, PushOutcome.SKIPPED_TOPIC,
                            null, null, List.of(), "TOPIC_UNSUBSCRIBE", "unsubscribed from " + recorded.getTopic()
                                    + " only; Salesforce's opt-out fields mean all email, so nothing is written",
                            attempt)),
                            Optional.empty(), Optional.empty()));
                case UnsubscribeRecorded recorded -> allEmail.add(inbound);
                // Resubscribes are never synced: a removal stays on the sales side.
                case UnsubscribeRemoved removed -> decisions.put(inbound, new Decision(inbound, List.of(), Optional.empty(), Optional.empty()));
                default -> decisions.put(inbound, new Decision(inbound, List.of(),
                        Optional.of(new RecordFailure("UNKNOWN_EVENT_TYPE", "the pusher does not handle " + inbound.event().getSchema().getFullName())),
                        Optional.empty()));
            }
        }
        Map<Inbound, String> refused = new LinkedHashMap<>();
        Map<Inbound, List<PersonRecord>> reach = resolver.reach(allEmail, refused);
        refused.forEach((inbound, why) -> {
            // A lookup Salesforce will not answer as asked (a field or permission missing): parked on the retry path,
            // which tries again with backoff until an admin fixes it; the result says why.
            UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
            Parking parking = new Parking(Parking.Kind.RETRY_LATER, chosen, Parking.LOOKUP_REFUSED + " " + why);
            decisions.put(inbound, new Decision(inbound, List.of(result(recorded, PushOutcome.PARKED, recorded.getSalesforceId(),
                    RecordResolver.salesforceId(recorded).flatMap(SalesforceId::personObjectType).orElse(null), List.of(), parking.kind().name(),
                    parking.describe(),
                    attempt)), Optional.empty(), Optional.of(parking)));
        });
        for (Map.Entry<Inbound, List<PersonRecord>> entry : List.copyOf(reach.entrySet())) {
            if (entry.getValue().isEmpty()) {
                UnsubscribeRecorded recorded = (UnsubscribeRecorded) entry.getKey().event();
                reach.remove(entry.getKey());
                decisions.put(entry.getKey(), new Decision(entry.getKey(), List.of(result(recorded, PushOutcome.NO_SALESFORCE_RECORD, null, null, List.of(),
                        "NO_SALESFORCE_RECORD", "no Contact or Lead has this email yet; pending: opted out as soon as one appears", attempt)),
                        Optional.empty(), Optional.empty()));
            }
        }
        return reach;
    }

    private OptOutPushResult result(UnsubscribeRecorded recorded, PushOutcome outcome, String salesforceId, String objectType, List<String> written,
            String errorCode, String message, int attempts) {
        return OptOutPushResult.newBuilder()
                .setUnsubscribeEventId(recorded.getEventId())
                .setEmail(recorded.getEmail())
                .setSalesforceId(salesforceId)
                .setObjectType(objectType)
                .setFieldsWritten(written)
                .setOutcome(outcome)
                .setSalesforceErrorCode(errorCode)
                .setSalesforceMessage(message)
                .setAttempts(attempts)
                .setDecidedAt(clock.instant())
                .build();
    }
}
