package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.schemas.PersonTimeline;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The ledger's first step ({@code unsubscribe-events} → {@code unsubscribe-ledger}): an all-email unsubscribe sets the
 * person's entry; an all-email removal tombstones it only when it takes effect by {@link PersonTimeline#removalTakesEffect}
 * (a provider's older re-subscribe arriving after a newer unsubscribe undoes nothing), as the history API and the analyst
 * tool judge it. Unsubscribes from one list or topic, and their removals, are not opt-outs from all email: left alone.
 */
final class LedgerOrder implements Processor<String, SpecificRecord, String, UnsubscribeRecorded> {

    /** Person → the latest {@code occurredAt} (epoch millis) of their unsubscribes since their last removal that took effect. */
    static final String STORE = "ledger-standing";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LedgerOrder.class);

    private ProcessorContext<String, UnsubscribeRecorded> context;
    private KeyValueStore<String, Long> standing;

    static StoreBuilder<KeyValueStore<String, Long>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long());
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
                Long held = standing.get(record.key());
                long occurred = PersonTimeline.unsubscribeTime(recorded.getOccurredAt(), recorded.getRecordedAt()).toEpochMilli();
                standing.put(record.key(), held == null ? occurred : Math.max(held, occurred));
                context.forward(record.withValue(recorded));
            }
            case UnsubscribeRemoved removed when removed.getTopic() == null -> {
                Long held = standing.get(record.key());
                if (PersonTimeline.removalTakesEffect(removed.getOccurredAt(), held == null ? null : Instant.ofEpochMilli(held))) {
                    standing.delete(record.key());
                    context.forward(record.withValue(null));
                } else {
                    LOG.info("Removal {} of {} undoes nothing: an unsubscribe recorded before it occurred after it ({} > {})",
                            removed.getEventId(), dev.unsubsync.schemas.PersonKey.masked(record.key()), Instant.ofEpochMilli(held), removed.getOccurredAt());
                }
            }
            case null, default -> {
                // A topic's unsubscribe or removal, or a value of another kind: not the ledger's.
            }
        }
    }
}
