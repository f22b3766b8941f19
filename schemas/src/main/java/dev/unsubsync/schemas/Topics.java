package dev.unsubsync.schemas;

import dev.unsubsync.events.ConsoleSessionEnded;
import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
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
     * Unsubscribes produced by upstream systems that live on Kafka, instead of calling capture's API: one JSON object per
     * record, the same fields as {@code POST /v1/unsubscribes} (docs/integrators.md), in UTF-8; the key is the sender's
     * own id for the request (its idempotency key when the body has no {@code upstreamEventId}) or the email. Capture
     * consumes it with the API's rules; kept 7 days (what it leads to is on {@link #UNSUBSCRIBE_EVENTS} for ever).
     */
    public static final Topic<String, byte[]> UNSUBSCRIBE_REQUESTS = new Topic<>(
            "unsubscribe-requests", String.class, byte[].class, 6,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * Requests from {@link #UNSUBSCRIBE_REQUESTS} that can never be recorded (not JSON, a rule broken), byte for byte with
     * the reasons and the original coordinates in headers ({@link DeadLetterHeaders}).
     */
    public static final Topic<byte[], byte[]> UNSUBSCRIBE_REQUESTS_DLT = new Topic<>(
            "unsubscribe-requests-dlt", byte[].class, byte[].class, 1, Map.of("retention.ms", "-1"));

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

    /**
     * Salesforce's side for the nightly diff: every Contact and Lead the last run's Bulk API snapshot found opted out, one
     * {@link SalesforceOptOut} per 18-character Salesforce ID (the key); a record no longer opted out is tombstoned.
     * Co-partitioned with {@link #RECONCILE_SALES} and {@link #RECONCILE_CONTROL}. Tombstones are kept 30 days (not
     * Kafka's one): for an audit, an opt-out cleared in Salesforce stays visible for a month.
     */
    public static final Topic<String, SalesforceOptOut> SALESFORCE_OPTOUTS = new Topic<>(
            "salesforce-optouts", String.class, SalesforceOptOut.class, 6,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "delete.retention.ms", String.valueOf(30L * 24 * 3600 * 1000)));

    /**
     * The sales-side ledger re-keyed for the diff: key {@code <salesforce-id>|<person>} (or {@code ~|<person>} without a
     * Salesforce ID), value the person's {@link UnsubscribeRecorded} or a tombstone. Partitioned by the Salesforce ID part
     * alone, so it sits on the same partition as that ID's {@link #SALESFORCE_OPTOUTS} entry.
     */
    public static final Topic<String, UnsubscribeRecorded> RECONCILE_SALES = new Topic<>(
            "reconcile-sales-by-id", String.class, UnsubscribeRecorded.class, 6,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /** One {@link DiffScanRequest} per partition per run: compare both sides now. */
    public static final Topic<String, DiffScanRequest> RECONCILE_CONTROL = new Topic<>(
            "reconcile-control", String.class, DiffScanRequest.class, 6,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * Opt-outs only Salesforce has, keyed by person, on their way to the sales side: recorded there unless the person is
     * already unsubscribed (under another Salesforce record with the same email).
     */
    public static final Topic<String, UnsubscribeRecorded> RECONCILE_CANDIDATES = new Topic<>(
            "reconcile-sales-candidates", String.class, UnsubscribeRecorded.class, 6,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * Sales-side unsubscribes Salesforce lacks, keyed by person, for the pusher to write through its usual path; the run
     * id travels in the {@link #RUN_ID_HEADER} header and comes back on the push results.
     */
    public static final Topic<String, UnsubscribeRecorded> RECONCILE_PUSHES = new Topic<>(
            "reconcile-pushes", String.class, UnsubscribeRecorded.class, 6,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /** Counts from the diff's tasks, keyed by run id, added up by the run's coordinator. */
    public static final Topic<String, ReconcileTally> RECONCILE_TALLIES = new Topic<>(
            "reconcile-tallies", String.class, ReconcileTally.class, 1,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * Every nightly run's state and report, one compacted {@link ReconcileRun} per run id. Its one partition also elects
     * the reconciler instance that runs: the consumer group member it is assigned to.
     */
    public static final Topic<String, ReconcileRun> RECONCILE_RUNS = new Topic<>(
            "reconcile-runs", String.class, ReconcileRun.class, 1,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /**
     * The people directory's raw input: every Contact and Lead the directory read from Salesforce (full Bulk API loads and
     * the incremental poll), one {@link SalesforceRecord} per 18-character ID (the key), tombstoned when the record is
     * deleted or gone (a full load tombstones every record it did not read). Each record carries its fingerprint
     * ({@link #DIRECTORY_FINGERPRINT_HEADER}), so a full load writes only what changed.
     */
    public static final Topic<String, SalesforceRecord> SALESFORCE_RECORDS = new Topic<>(
            "salesforce-records", String.class, SalesforceRecord.class, 6,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /**
     * Key of the in-band "drop what this full load did not see" marker that versions before 2026-12-02 sent to every
     * partition of {@link #SALESFORCE_RECORDS} after a full load. Still on the topic (compaction keeps one per partition);
     * ignored: a full load now tombstones what it did not read itself.
     */
    public static final String DIRECTORY_SWEEP_KEY = "~sweep";

    /** Header of each {@link #SALESFORCE_RECORDS} record: the 8-byte fingerprint of its value, compared by the next full load. */
    public static final String DIRECTORY_FINGERPRINT_HEADER = "unsubsync.directory-fingerprint";

    /**
     * The directory's re-partitioning step: a {@link SalesforceRecord} keyed by the person it joins or leaves
     * ({@code deleted}), so each person's entry is built on the partition that owns the person.
     */
    public static final Topic<String, SalesforceRecord> SALESFORCE_PEOPLE_CHANGES = new Topic<>(
            "salesforce-people-changes", String.class, SalesforceRecord.class, 6,
            Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * The people directory: every Contact and Lead with an email address, one {@link SalesforcePeople} per person key
     * (the normalised email), partitioned exactly like {@link #UNSUBSCRIBE_EVENTS}. An unsubscribe that carries only an
     * email reaches Salesforce through it.
     */
    public static final Topic<String, SalesforcePeople> SALESFORCE_PEOPLE = new Topic<>(
            "salesforce-people", String.class, SalesforcePeople.class, 6,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /** The directory poll's watermarks and last full load, one {@link DirectoryState} under {@link #DIRECTORY_STATE_KEY}. */
    public static final Topic<String, DirectoryState> DIRECTORY_STATE = new Topic<>(
            "salesforce-directory-state", String.class, DirectoryState.class, 1,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));

    /** The one key of {@link #DIRECTORY_STATE}. */
    public static final String DIRECTORY_STATE_KEY = "directory";

    /**
     * Admin console sessions logged out before they expired, one {@link ConsoleSessionEnded} per session id, followed by
     * every capture instance so a logout holds everywhere. Kept two days (sessions last at most
     * {@code capture.admin-session-ttl}, 8 hours by default; capture refuses a longer one than this keeps).
     */
    public static final Topic<String, ConsoleSessionEnded> CONSOLE_SESSIONS_ENDED = new Topic<>(
            "console-sessions-ended", String.class, ConsoleSessionEnded.class, 1,
            Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(2L * 24 * 3600 * 1000), "min.compaction.lag.ms", "0"));

    /** Header carrying a nightly run's id on what the run asks of other services, and on their answers. */
    public static final String RUN_ID_HEADER = "unsubsync.run-id";

    /** All topics, for provisioning. */
    public static final List<Topic<?, ?>> ALL = List.of(UNSUBSCRIBE_EVENTS, PUSH_RESULTS, PUSH_DEAD_LETTERS, UNSUBSCRIBE_REQUESTS,
            UNSUBSCRIBE_REQUESTS_DLT, SETTINGS, PUSH_PARKED, UNSUBSCRIBE_LEDGER,
            WEBHOOK_DEAD_LETTERS, SALESFORCE_OPTOUTS, RECONCILE_SALES, RECONCILE_CONTROL, RECONCILE_CANDIDATES, RECONCILE_PUSHES, RECONCILE_TALLIES,
            RECONCILE_RUNS, SALESFORCE_RECORDS, SALESFORCE_PEOPLE_CHANGES, SALESFORCE_PEOPLE, DIRECTORY_STATE, CONSOLE_SESSIONS_ENDED);

    private Topics() {
    }
}
