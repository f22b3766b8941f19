package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The sales side's ledger, built from the person's event history: an {@link UnsubscribeRecorded} sets the person's
 * entry, an {@link UnsubscribeRemoved} tombstones it, so the compacted {@link Topics#UNSUBSCRIBE_LEDGER} holds exactly
 * who is unsubscribed now. Keys are kept, so the ledger is co-partitioned with the events.
 */
public final class LedgerTopology {

    private LedgerTopology() {
    }

    /**
     * @param events serde of {@code unsubscribe-events} values (any of our event types)
     * @param ledger serde of the ledger's values
     */
    public static Topology build(Serde<SpecificRecord> events, Serde<UnsubscribeRecorded> ledger) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.UNSUBSCRIBE_EVENTS.name(), Consumed.with(Serdes.String(), events))
                .filter((person, event) -> event instanceof UnsubscribeRecorded || event instanceof UnsubscribeRemoved)
                .mapValues(event -> event instanceof UnsubscribeRecorded recorded ? recorded : null)
                .to(Topics.UNSUBSCRIBE_LEDGER.name(), Produced.with(Serdes.String(), ledger));
        return builder.build();
    }
}
