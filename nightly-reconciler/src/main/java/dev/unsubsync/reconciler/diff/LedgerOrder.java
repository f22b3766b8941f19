package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.PersonTimeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's first step ({@code unsubscribe-events} → {@code unsubscribe-ledger}): an all-email unsubscribe sets the
 * person's entry; an all-email removal tombstones it only when it takes effect by {@link PersonTimeline#removalTakesEffect}
 * (a provider's older re-subscribe arriving after a newer unsubscribe undoes nothing), as the history API and the analyst
 * tool judge it. Unsubscribes from one list or topic, and their removals, are not opt-outs from all email: left alone.
 */
final class LedgerOrder implements Processor<String, SpecificRecord, String, UnsubscribeRecorded> {

    /**
     * Person → where their all-email unsubscribe stands: the latest {@code occurredAt} (epoch millis) of their
     * unsubscribes since their last removal that took effect ({@code -} when none), then the ids of the events already
     * applied, newest last (as many as a person's history keeps): a retried event, same id, is the same event here as in
     * the history.
     */
    static final String STORE = "ledger-standing";

    private static final Logger LOG = LoggerFactory.getLogger(LedgerOrder.class);

    private ProcessorContext<String, UnsubscribeRecorded> context;
    private KeyValueStore<String, String> standing;

    static StoreBuilder<KeyValueStore<String, String>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String());
    }

    /** What the store keeps for a person. */
    record Standing(Instant latestUnsubscribe, List<String> seen) {
        static Standing parse(String stored) {
            if (stored == null) {
                return new Standing(null, List.of());
            }
            int bar = stored.indexOf('|');
            String at = stored.substring(0, bar);
            String ids = stored.substring(bar + 1);
            return new Standing(at.equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(at)), ids.isEmpty() ? List.of() : List.of(ids.split(",")));
        }

        String format() {
            return (latestUnsubscribe == null ? "-" : String.valueOf(latestUnsubscribe.toEpochMilli())) + "|" + String.join(",", seen);
        }

        Standing seeing(String id, Instant latest) {
            List<String> ids = new ArrayList<>(seen);
            ids.add(id);
            if (ids.size() > PersonTimeline.MAX_ENTRIES) {
                ids = ids.subList(ids.size() - PersonTimeline.MAX_ENTRIES, ids.size());
            }
            return new Standing(latest, ids);
        }
    }

    @Override
    public void init(ProcessorContext<String, UnsubscribeRecorded> context) {
        this.context = context;
        this.standing = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.key() == null) {
            return;
        }
        switch (record.value()) {
            case UnsubscribeRecorded recorded when recorded.getTopic() == null -> {
                Standing held = Standing.parse(standing.get(record.key()));
                String id = "U" + recorded.getEventId();
                if (held.seen().contains(id)) {
                    return; // a retry of an unsubscribe applied already (and perhaps removed since): the same event
                }
                Instant occurred = PersonTimeline.unsubscribeTime(recorded.getOccurredAt(), recorded.getRecordedAt());
                Instant latest = held.latestUnsubscribe() == null || occurred.isAfter(held.latestUnsubscribe()) ? occurred : held.latestUnsubscribe();
                standing.put(record.key(), held.seeing(id, latest).format());
                context.forward(record.withValue(recorded));
            }
            case UnsubscribeRemoved removed when removed.getTopic() == null -> {
                Standing held = Standing.parse(standing.get(record.key()));
                String id = "R" + removed.getEventId();
                if (held.seen().contains(id)) {
                    return;
                }
                if (PersonTimeline.removalTakesEffect(removed.getOccurredAt(), held.latestUnsubscribe())) {
                    standing.put(record.key(), held.seeing(id, null).format());
                    context.forward(record.withValue(null));
                } else {
                    standing.put(record.key(), held.seeing(id, held.latestUnsubscribe()).format());
                    LOG.info("Removal {} of {} undoes nothing: an unsubscribe recorded before it occurred after it ({} > {})",
                            removed.getEventId(), PersonKey.masked(record.key()), held.latestUnsubscribe(), removed.getOccurredAt());
                }
            }
            case null, default -> {
                // A topic's unsubscribe or removal, or a value of another kind: not the ledger's.
            }
        }
    }
}
