package dev.unsubsync.capture.history;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.schemas.PersonTimeline;
import dev.unsubsync.schemas.Topics;
import java.time.ZoneOffset;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Each person's history, for {@code GET /v1/unsubscribes/{person}}: {@code unsubscribe-events} and
 * {@code optout-push-results}, both keyed by person and co-partitioned, folded into one {@link PersonHistory} per person
 * in the {@link #STORE} store (the fold is {@link PersonTimeline}'s) (RocksDB, logged), queried where it lives (interactive queries).
 */
public final class HistoryTopology {

    public static final String STORE = "person-history";
    /**
     * Unsubscribes recorded per UTC day and source, key {@code <yyyy-MM-dd>|<SOURCE>}, counted by each task for its own
     * partition (no repartition: the few keys a day make the record cache absorb nearly every write); a query sums the
     * tasks of every instance.
     */
    public static final String DAILY_STORE = "daily-by-source";
    private HistoryTopology() {
    }

    public static Topology build(Serde<SpecificRecord> values, Serde<PersonHistory> histories) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, SpecificRecord> events = builder.stream(Topics.UNSUBSCRIBE_EVENTS.name(), Consumed.with(Serdes.String(), values));
        KStream<String, SpecificRecord> results = builder.stream(Topics.PUSH_RESULTS.name(), Consumed.with(Serdes.String(), values));
        events.merge(results)
                .filter((person, value) -> person != null && (value instanceof UnsubscribeRecorded || value instanceof UnsubscribeRemoved
                        || value instanceof OptOutPushResult))
                .groupByKey(Grouped.with(Serdes.String(), values))
                .aggregate(() -> PersonHistory.newBuilder().build(), (person, value, history) -> PersonTimeline.append(history, PersonTimeline.entry(value)),
                        Materialized.<String, PersonHistory, KeyValueStore<Bytes, byte[]>>as(STORE).withKeySerde(Serdes.String()).withValueSerde(histories)
                                // Most events are a person's first: a record cache in front would evict on nearly every
                                // write and save no changelog record, at a quarter of this thread's time (measured).
                                .withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DAILY_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled());
        events.process(DailyCounter::new, DAILY_STORE);
        return builder.build();
    }

    /** The daily store's key of an unsubscribe. */
    public static String dailyKey(UnsubscribeRecorded recorded) {
        return recorded.getRecordedAt().atZone(ZoneOffset.UTC).toLocalDate() + "|" + recorded.getSource().name();
    }

    /** Counts each recorded unsubscribe under its day and source. */
    private static final class DailyCounter implements Processor<String, SpecificRecord, Void, Void> {
        private KeyValueStore<String, Long> counts;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            counts = context.getStateStore(DAILY_STORE);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            if (record.value() instanceof UnsubscribeRecorded recorded) {
                String key = dailyKey(recorded);
                Long count = counts.get(key);
                counts.put(key, count == null ? 1 : count + 1);
            }
        }
    }
}
