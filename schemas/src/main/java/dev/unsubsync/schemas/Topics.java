package dev.unsubsync.schemas;

import dev.unsubsync.events.OptOutPushResult;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the system, typed. Services refer to these values, never to topic-name literals.
 *
 * <p>Keys are plain UTF-8 strings (the person key, see {@link PersonKey}); values are Avro in the Confluent wire format,
 * with their schemas in the registry. Replication is left to the cluster ({@code default.replication.factor},
 * {@code min.insync.replicas}): 3 and 2 in production, 1 and 1 on a single local broker.
 */
public final class Topics {

    /** A person's unsubscribe history: {@code UnsubscribeRecorded} and {@code UnsubscribeRemoved}, keyed by person so they stay in order. */
    public static final Topic<String, SpecificRecord> UNSUBSCRIBE_EVENTS = new Topic<>(
            "unsubscribe-events", String.class, SpecificRecord.class, 6,
            Map.of("retention.ms", "-1"));

    /** What Salesforce was asked and answered, one {@link OptOutPushResult} per unsubscribe event, keyed by person. */
    public static final Topic<String, OptOutPushResult> PUSH_RESULTS = new Topic<>(
            "optout-push-results", String.class, OptOutPushResult.class, 6,
            Map.of("retention.ms", "-1"));

    /**
     * Records the pusher could not write for a permanent reason, kept byte for byte as they were consumed, with the reason
     * and the original coordinates in headers (see {@link DeadLetterHeaders}).
     */
    public static final Topic<byte[], byte[]> PUSH_DEAD_LETTERS = new Topic<>(
            "unsubscribe-events-dlt", byte[].class, byte[].class, 1,
            Map.of("retention.ms", "-1"));

    /** All topics, for provisioning. */
    public static final List<Topic<?, ?>> ALL = List.of(UNSUBSCRIBE_EVENTS, PUSH_RESULTS, PUSH_DEAD_LETTERS);

    private Topics() {
    }
}
