package dev.unsubsync.pusher.push;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.kafka.RegistryErrors;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of a push loop, from the records to every outcome on Kafka: values are read as bytes and decoded here, so a
 * record that cannot be decoded goes to the dead-letter topic instead of stalling its partition; the rest go through the
 * push rules ({@link OptOutPusher}); push results, dead letters and parked events are published, and the batch is done
 * only once all of them are on Kafka. A registry away, Salesforce unable to take the batch, or Kafka unable to record an
 * outcome throws {@link TransientPushFailure}: the loop reads the batch again. What a batch's records become is
 * {@link BatchRecords}.
 */
final class BatchHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);
    private static final String SERVICE = "salesforce-pusher";

    private final LoopMode mode;
    private final LoopParts parts;

    BatchHandler(LoopMode mode, LoopParts parts) {
        this.mode = mode;
        this.parts = parts;
    }

    /** Handles one batch; {@code attempt} counts how often it was tried (1 the first time). */
    void handle(List<ConsumerRecord<String, byte[]>> batch, Deserializer<Object> decoder, int attempt) {
        long started = System.nanoTime();
        List<OptOutPusher.Inbound> inbound = new ArrayList<>();
        Map<OptOutPusher.Inbound, ConsumerRecord<String, byte[]>> origin = new IdentityHashMap<>();
        List<Future<?>> sends = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            Object value;
            try {
                value = decoder.deserialize(record.topic(), record.headers(), record.value());
            } catch (RuntimeException e) {
                if (RegistryErrors.unavailable(e)) {
                    // The registry is away, the record is fine: the batch waits and is read again, nothing is skipped.
                    throw new TransientPushFailure("schema registry unavailable while decoding " + record.topic() + "-" + record.partition() + "@"
                            + record.offset() + ": " + e);
                }
                LOG.error("Unreadable record {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()),
                        e.toString());
                sends.add(deadLetter(record, "UNREADABLE_RECORD", e.toString()));
                continue;
            }
            if (!(value instanceof SpecificRecord event)) {
                sends.add(deadLetter(record, "UNREADABLE_RECORD", "value is " + (value == null ? "null" : value.getClass().getName())));
                continue;
            }
            List<String> onlyFields = mode == LoopMode.PARKED ? BatchRecords.parkedFields(record) : List.of();
            // A record without a key (not one of ours: capture always keys by person) is the person its event names.
            String person = record.key() != null
                    ? record.key()
                    : event instanceof UnsubscribeRecorded recorded
                            ? PersonKey.of(recorded.getEmail())
                            : event instanceof UnsubscribeRemoved removed ? PersonKey.of(removed.getEmail()) : null;
            if (person == null) {
                sends.add(deadLetter(record, "UNREADABLE_RECORD", "a record without a key whose value names no person"));
                continue;
            }
            OptOutPusher.Inbound in = new OptOutPusher.Inbound(person, event, onlyFields, mode == LoopMode.NIGHTLY);
            if (mode == LoopMode.PARKED && parts.fieldCheck().stillBlocks(in.event(), in.onlyFields())) {
                // Parked events wait, in order, until the field they need is writable.
                throw new TransientPushFailure("parked events still wait: " + parts.fieldCheck().problems().keySet());
            }
            inbound.add(in);
            origin.put(in, record);
        }
        for (OptOutPusher.Decision decision : parts.pusher().push(inbound, attempt)) {
            ConsumerRecord<String, byte[]> record = origin.get(decision.source());
            decision.deadLetter().ifPresent(failure -> {
                LOG.warn("Dead-lettering {}-{}@{} key={}: {} {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()),
                        failure.code(), failure.message());
                sends.add(deadLetter(record, failure.code(), failure.message()));
            });
            decision.parked().ifPresent(parking -> {
                LOG.info("Parking {}-{}@{} key={} for {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()),
                        parking.fields());
                sends.add(park(record, parking));
            });
            for (OptOutPushResult result : decision.results()) {
                try {
                    sends.add(
                            parts.producers().results().send(TopicRecords.of(Topics.PUSH_RESULTS, null, record.key(), result, BatchRecords.runHeader(record))));
                } catch (RuntimeException e) {
                    if (!RegistryErrors.unavailable(e)) {
                        throw e;
                    }
                    // The result's schema could not be registered or looked up: the batch waits for the registry.
                    throw new TransientPushFailure("schema registry unavailable while publishing a push result: " + e);
                }
                parts.metrics().outcome(result, decision.source().event(), mode != LoopMode.NIGHTLY);
            }
        }
        for (Future<?> send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new TransientPushFailure("could not publish outcomes to Kafka: " + e);
            }
        }
        parts.metrics().batch(batch.size(), System.nanoTime() - started);
    }

    private Future<?> park(ConsumerRecord<String, byte[]> record, Parking parking) {
        return parts.producers().deadLetters().send(BatchRecords.parked(record, parking));
    }

    private Future<?> deadLetter(ConsumerRecord<String, byte[]> record, String code, String message) {
        parts.metrics().deadLettered(code);
        return parts.producers().deadLetters().send(BatchRecords.deadLettered(record, code, message, SERVICE));
    }
}
