package dev.unsubsync.schemas;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
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

    /**
     * The admin's settings: one compacted record under {@link #SETTINGS_KEY}, read from the beginning by every instance of
     * every service, so a change takes effect everywhere without a restart.
     */
    public static final Topic<String, SyncSettings> SETTINGS = new Topic<>(
            "unsubsync-settings", String.class, SyncSettings.class, 1,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /** The one key of {@link #SETTINGS}. */
    public static final String SETTINGS_KEY = "global";

    /**
     * Events the pusher could not write yet because a requirement is not met (a field missing or read-only), kept byte
     * for byte with the reason in headers, and pushed by themselves once the requirement is met.
     */
    public static final Topic<byte[], byte[]> PUSH_PARKED = new Topic<>(
            "unsubscribe-events-parked", byte[].class, byte[].class, 6,
            Map.of("retention.ms", "-1"));

    /**
     * The sales side's current unsubscribes, one per person: the latest {@link UnsubscribeRecorded}, or nothing once an
     * {@code UnsubscribeRemoved} tombstoned it. Built by the reconciler's Kafka Streams topology from
     * {@link #UNSUBSCRIBE_EVENTS}, co-partitioned with it (same key, same partition count).
     */
    public static final Topic<String, UnsubscribeRecorded> UNSUBSCRIBE_LEDGER = new Topic<>(
            "unsubscribe-ledger", String.class, UnsubscribeRecorded.class, 6,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /**
     * Provider webhook calls that passed authentication but could not be used (a payload that will never be valid),
     * kept whole: the raw body, with the provider, the reason and the headers that matter in headers.
     */
    public static final Topic<String, byte[]> WEBHOOK_DEAD_LETTERS = new Topic<>(
            "webhooks-dlt", String.class, byte[].class, 1, Map.of("retention.ms", "-1"));

    /** All topics, for provisioning. */
    public static final List<Topic<?, ?>> ALL = List.of(UNSUBSCRIBE_EVENTS, PUSH_RESULTS, PUSH_DEAD_LETTERS, SETTINGS, PUSH_PARKED, UNSUBSCRIBE_LEDGER, WEBHOOK_DEAD_LETTERS);

    private Topics() {
    }
}
