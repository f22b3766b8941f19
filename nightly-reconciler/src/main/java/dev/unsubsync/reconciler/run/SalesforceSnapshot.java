package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.Sleeper;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly run's Salesforce side: every opted-out Contact and Lead, read with Bulk API 2.0 queries
 * ({@link SnapshotQuery}) into {@code salesforce-optouts}. A query that failed for a reason that may pass is tried
 * again (three times, waiting 2 s, then 4 s, on the injected sleeper).
 */
public final class SalesforceSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceSnapshot.class);
    private static final List<String> OBJECTS = List.of("Contact", "Lead");

    private final SalesforceClient salesforce;
    private final Producer<String, SpecificRecord> producer;
    private final Clock clock;
    private final Sleeper sleeper;
    private final int pageSize;

    public SalesforceSnapshot(SalesforceClient salesforce, Producer<String, SpecificRecord> producer, Clock clock, Sleeper sleeper, int pageSize) {
        this.salesforce = salesforce;
        this.producer = producer;
        this.clock = clock;
        this.sleeper = sleeper;
        this.pageSize = pageSize;
    }

    /** Reads the snapshot of pass {@code pass}; answers the rows written, each also counted on {@code processed}. */
    public long read(String pass, SyncSettings current, LongConsumer processed, BooleanSupplier cancelled) throws Exception {
        long[] rows = {0};
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        for (String objectType : OBJECTS) {
            String marketo = null;
            if (current.getSyncToMarketoSalesOptOut()) {
                Outcome<Describe> describe = salesforce.describe(objectType);
                if (!(describe instanceof Outcome.Ok<Describe>(Describe found))) {
                    throw new RunFailure("could not describe " + objectType + ": " + describe.describe());
                }
                // A field not installed on this object is not read; the pusher parks what needs it and says so.
                marketo = found.field(current.getMarketoSalesOptOutField()).isPresent() ? current.getMarketoSalesOptOutField() : null;
            }
            Optional<String> soql = SnapshotQuery.soql(objectType, current, marketo);
            if (soql.isEmpty()) {
                continue;
            }
            String marketoField = marketo;
            Instant seenAt = clock.instant();
            Outcome<Long> read = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("no longer leading");
                }
                read = salesforce.bulkQuery(soql.get(), pageSize, row -> {
                    String id = normalised(row.get("Id"));
                    if (id == null) {
                        return;
                    }
                    SalesforceOptOut optOut = SalesforceOptOut.newBuilder()
                            .setSalesforceId(id).setObjectType(objectType)
                            .setEmail(blankToNull(row.get("Email")))
                            .setEmailOptOut("true".equalsIgnoreCase(row.get("HasOptedOutOfEmail")))
                            .setMarketoSalesOptOut(marketoField == null ? null : "true".equalsIgnoreCase(row.get(marketoField)))
                            .setSnapshotRunId(pass).setSeenAt(seenAt).build();
                    producer.send(TopicRecords.of(Topics.SALESFORCE_OPTOUTS, id, optOut), (metadata, e) -> {
                        if (e != null) {
                            sendFailure.compareAndSet(null, e);
                        }
                    });
                    rows[0]++;
                    processed.accept(rows[0]);
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("no longer leading");
                    }
                });
                if (!read.retryable()) {
                    break;
                }
                LOG.warn("Run {}: Bulk query of {} failed ({}); try {} of 3", pass, objectType, read.describe(), attempt);
                sleeper.sleep(Duration.ofSeconds(2L * attempt));
            }
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new RunFailure("the Salesforce snapshot of " + objectType + " failed: " + read.describe());
            }
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new RunFailure("could not write the snapshot to Kafka: " + sendFailure.get());
        }
        return rows[0];
    }

    private static String normalised(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return SalesforceId.parse(id).to18();
        } catch (InvalidSalesforceIdException e) {
            LOG.warn("Snapshot row with an unusable Id '{}' left out", id);
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
