package dev.unsubsync.pusher.domain;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides, for a batch of a person's events, what to write into Salesforce and what each event's final outcome is.
 *
 * <p>Rules: only {@link UnsubscribeRecorded} is pushed, and only {@code true} is written (a removal is never pushed); an
 * event without a Salesforce ID is not pushed and says so; the object type comes from the ID prefix; several events for
 * the same record make one write. Per-record refusals Salesforce calls permanent become dead letters; anything transient
 * fails the whole batch so it is retried in order.
 */
public final class OptOutPusher {

    /** The standard Email Opt Out field. */
    public static final String EMAIL_OPT_OUT = "HasOptedOutOfEmail";

    /** An event as consumed, with its Kafka key. */
    public record Inbound(String key, SpecificRecord event) {
    }

    /**
     * The final outcome of one event.
     *
     * @param source     the event
     * @param result     what to publish on the push-results topic; empty for events that are not pushed at all (removals)
     * @param deadLetter Salesforce's code and message when the event must go to the dead-letter topic
     */
    public record Decision(Inbound source, Optional<OptOutPushResult> result, Optional<RecordFailure> deadLetter) {
    }

    /** A permanent per-record refusal. */
    public record RecordFailure(String code, String message) {
    }

    private final SalesforceWriter salesforce;
    private final Clock clock;
    private final List<String> fields;

    /**
     * @param fields the opt-out fields to set to true on every pushed record
     */
    public OptOutPusher(SalesforceWriter salesforce, Clock clock, List<String> fields) {
        this.salesforce = salesforce;
        this.clock = clock;
        this.fields = List.copyOf(fields);
    }

    /**
     * Pushes a batch and answers one decision per event, in input order.
     *
     * @param attempt how many times this batch has been tried, this time included
     * @throws TransientPushFailure when Salesforce cannot take the batch now; nothing is final then
     */
    public List<Decision> push(List<Inbound> batch, int attempt) {
        Map<Inbound, Decision> decisions = new LinkedHashMap<>();
        Map<String, RecordUpdate> writes = new LinkedHashMap<>();
        Map<Inbound, String> writeFor = new LinkedHashMap<>();
        for (Inbound inbound : batch) {
            switch (inbound.event()) {
                case UnsubscribeRecorded recorded -> {
                    Optional<SalesforceId> id = salesforceId(recorded);
                    if (id.isEmpty()) {
                        decisions.put(inbound, new Decision(inbound, Optional.of(result(recorded, PushOutcome.SKIPPED_NO_SALESFORCE_ID,
                                null, List.of(), "NO_SALESFORCE_ID", "no Salesforce ID: nothing to write to", attempt)), Optional.empty()));
                    } else {
                        String key = id.get().to18();
                        writes.putIfAbsent(key, new RecordUpdate(id.get().personObjectType().orElseThrow(), key, fields));
                        writeFor.put(inbound, key);
                    }
                }
                // Resubscribes are never synced: a removal stays on the sales side.
                case UnsubscribeRemoved removed -> decisions.put(inbound, new Decision(inbound, Optional.empty(), Optional.empty()));
                default -> decisions.put(inbound, new Decision(inbound, Optional.empty(),
                        Optional.of(new RecordFailure("UNKNOWN_EVENT_TYPE", "the pusher does not handle " + inbound.event().getSchema().getFullName()))));
            }
        }

        Map<String, RecordResult> saved = write(new ArrayList<>(writes.values()));
        for (Map.Entry<Inbound, String> entry : writeFor.entrySet()) {
            Inbound inbound = entry.getKey();
            UnsubscribeRecorded recorded = (UnsubscribeRecorded) inbound.event();
            RecordUpdate update = writes.get(entry.getValue());
            RecordResult outcome = saved.get(entry.getValue());
            if (outcome.success()) {
                decisions.put(inbound, new Decision(inbound, Optional.of(result(recorded, PushOutcome.WRITTEN, update.objectType(), update.fields(),
                        null, null, attempt)), Optional.empty()));
            } else {
                decisions.put(inbound, new Decision(inbound, Optional.of(result(recorded, PushOutcome.REJECTED, update.objectType(), List.of(),
                        outcome.statusCode(), outcome.message(), attempt)), Optional.of(new RecordFailure(outcome.statusCode(), outcome.message()))));
            }
        }
        return batch.stream().map(decisions::get).toList();
    }

    /** Writes in calls of at most 200 records, Contacts before Leads so each call holds at most two chunks. */
    private Map<String, RecordResult> write(List<RecordUpdate> updates) {
        updates.sort(Comparator.comparing(RecordUpdate::objectType));
        Map<String, RecordResult> results = new LinkedHashMap<>();
        for (int from = 0; from < updates.size(); from += SalesforceWriter.MAX_RECORDS_PER_CALL) {
            List<RecordUpdate> call = updates.subList(from, Math.min(updates.size(), from + SalesforceWriter.MAX_RECORDS_PER_CALL));
            Outcome<List<RecordResult>> outcome = salesforce.update(call);
            // Anything but an answer per record is transient here, including a request refused whole (a field
            // missing or not writable, say): a requirement not met yet, so the events wait rather than drop.
            if (!(outcome instanceof Outcome.Ok<List<RecordResult>>(List<RecordResult> perRecord))) {
                throw new TransientPushFailure(outcome.describe());
            }
            for (int i = 0; i < call.size(); i++) {
                if (perRecord.get(i) instanceof RecordResult.Retryable retryable) {
                    throw new TransientPushFailure("record " + call.get(i).id() + " refused for now (" + retryable.statusCode() + "): " + retryable.message());
                }
                results.put(call.get(i).id(), perRecord.get(i));
            }
        }
        return results;
    }

    private static Optional<SalesforceId> salesforceId(UnsubscribeRecorded recorded) {
        if (recorded.getSalesforceId() == null) {
            return Optional.empty();
        }
        try {
            SalesforceId id = SalesforceId.parse(recorded.getSalesforceId());
            return id.personObjectType().isPresent() ? Optional.of(id) : Optional.empty();
        } catch (InvalidSalesforceIdException e) {
            return Optional.empty();
        }
    }

    private OptOutPushResult result(UnsubscribeRecorded recorded, PushOutcome outcome, String objectType, List<String> written,
                                    String errorCode, String message, int attempts) {
        return OptOutPushResult.newBuilder()
                .setUnsubscribeEventId(recorded.getEventId())
                .setEmail(recorded.getEmail())
                .setSalesforceId(recorded.getSalesforceId())
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
