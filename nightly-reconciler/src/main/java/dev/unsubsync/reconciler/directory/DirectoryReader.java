package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.reconciler.support.ReconcilerConfiguration;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.Topics;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader's reads of Salesforce into {@code salesforce-records}: full loads through Bulk API 2.0 (writing only what
 * changed, tombstoning what was not seen: {@link DirectoryLoad}) and incremental polls of what changed since the
 * watermarks. Each is written in transactions ({@link DirectoryWriter}), its last one with where the directory stands
 * after it. What the topic holds is kept between loads and polls while the same term leads without a failed write, so a
 * load need not read the topic first. Used by the directory's one thread ({@link DirectoryPoller}).
 */
final class DirectoryReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryReader.class);
    private static final List<String> OBJECTS = List.of("Contact", "Lead");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The longest reading what salesforce-records holds may take at the start of a full load (millions of records). */
    private static final Duration IMAGE_TIMEOUT = Duration.ofMinutes(10);

    private final SalesforceClient salesforce;
    private final ReconcilerConfiguration config;
    private final KafkaClients kafka;
    private final Clock clock;
    private final MarketoFields marketoFields;
    private final DirectoryMetrics metrics;
    private final DirectoryWriter writer;
    /** Whether this instance still leads in a term. */
    private final LongPredicate leads;
    /**
     * What salesforce-records holds, kept from one full load to the next by this leader, with every write of its loads
     * and polls applied; null when it must be read from the topic again: before the first load, after a write that
     * failed, or once {@link #keptTerm} is not the leadership term any more.
     */
    private RecordImage kept;
    private long keptTerm;

    DirectoryReader(SalesforceClient salesforce, MarketoFields marketoFields, ReconcilerConfiguration config, KafkaClients kafka, Clock clock,
            DirectoryMetrics metrics, DirectoryWriter writer, LongPredicate leads) {
        this.salesforce = salesforce;
        this.marketoFields = marketoFields;
        this.config = config;
        this.kafka = kafka;
        this.clock = clock;
        this.metrics = metrics;
        this.writer = writer;
        this.leads = leads;
    }

    /** Another instance may write salesforce-records from now on: what this one kept is not the topic. */
    void forget() {
        kept = null;
    }

    /**
     * Reads every Contact and Lead with Bulk API 2.0 into {@code salesforce-records}, writing only what the topic does not
     * already hold as read, then tombstones what the load did not read: it is gone from Salesforce. Returns where the
     * directory stands after it.
     */
    DirectoryState fullLoad(DirectoryState before, long term) throws Exception {
        Instant started = clock.instant();
        String loadId = "load-" + started.toEpochMilli() + "-" + HexFormat.of().formatHex(bytes(3));
        LOG.info("People directory: full load {} starting", loadId);
        RecordImage known = takeKept(term);
        writer.begin(term);
        try {
            return fullLoad(loadId, started, before, term, known);
        } catch (Exception | Error e) {
            writer.abort();
            throw e;
        }
    }

    private DirectoryState fullLoad(String loadId, Instant started, DirectoryState before, long term, RecordImage known) throws Exception {
        long expected = before == null ? 0 : before.getFullLoadRecords();
        // Kept by this leader since its last load, or read while Salesforce prepares the first Bulk query's results.
        DirectoryLoad load = new DirectoryLoad(writer::sendInChunks, known != null
                ? CompletableFuture.completedFuture(known)
                : DirectoryLoad.readImage(kafka.config(), (int) Math.min(Integer.MAX_VALUE / 2, expected + expected / 10), IMAGE_TIMEOUT));
        Map<String, Instant> watermarks = new HashMap<>();
        String us = salesforce.userId().orElse(null);
        for (String objectType : OBJECTS) {
            String marketo = marketoFields.field(objectType, metrics.loadCalls()::increment);
            Instant[] newest = {null};
            long[] rows = {0};
            Instant queryStarted = clock.instant();
            Outcome<Long> read = salesforce.bulkQuery(DirectoryReads.fullLoad(objectType, marketo), config.getSnapshotPageSize(), row -> {
                rows[0]++;
                DirectoryReads.record(objectType, row, marketo, loadId, us).ifPresent(record -> {
                    newest[0] = DirectoryReads.later(newest[0], record.getSystemModstamp());
                    load.accept(record);
                });
            });
            // A Bulk query job: create, a few status polls, one request per results page.
            metrics.loadCalls().increment(3 + Math.max(1, rows[0] / config.getSnapshotPageSize()));
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new IllegalStateException("full load of " + objectType + " failed: " + read.describe());
            }
            watermarks.put(objectType, DirectoryReads.fullLoadWatermark(newest[0], queryStarted));
        }
        load.sweep();
        Instant ended = clock.instant();
        // The last chunk and where the directory stands, in one transaction.
        DirectoryState after = commit(DirectoryState.newBuilder(before == null ? DirectoryState.newBuilder().build() : before)
                // The load read everything as of its start: polls go on from there, never from a later watermark kept before.
                .setContactWatermark(watermarks.get("Contact"))
                .setLeadWatermark(watermarks.get("Lead"))
                .setFullLoadId(loadId).setFullLoadStartedAt(started).setFullLoadEndedAt(ended).setFullLoadRecords(load.read())
                .build());
        keep(load.imageAfter(), term);
        metrics.recordsRead().increment(load.read());
        metrics.recordsWritten().increment(load.written());
        metrics.recordsGone().increment(load.gone());
        LOG.info("People directory: full load {} read {} Contacts and Leads in {} ms ({}); {} new or changed written, {} gone from Salesforce tombstoned",
                loadId, load.read(), Duration.between(started, ended).toMillis(), known != null
                        ? "compared with what this leader kept of the topic"
                        : "compared with the topic, read first",
                load.written(), load.gone());
        return after;
    }

    /** Reads what changed or was deleted since the watermarks; returns where the directory stands after. */
    DirectoryState poll(DirectoryState before, long term) throws Exception {
        long began = System.nanoTime();
        RecordImage image = takeKept(term);
        writer.begin(term);
        try {
            return poll(before, term, image, began);
        } catch (Exception | Error e) {
            writer.abort();
            throw e;
        }
    }

    private DirectoryState poll(DirectoryState before, long term, RecordImage image, long began) throws Exception {
        long[] rows = {0};
        Map<String, Instant> watermarks = new HashMap<>();
        watermarks.put("Contact", before.getContactWatermark());
        watermarks.put("Lead", before.getLeadWatermark());
        // Our own user: a record it changed last was changed by our own push, not by a user in Salesforce.
        String us = salesforce.userId().orElse(null);
        for (String objectType : OBJECTS) {
            String marketo = marketoFields.field(objectType, metrics.pollCalls()::increment);
            Instant[] newest = {watermarks.get(objectType)};
            long[] seen = {0};
            Outcome<Long> read = salesforce.query(DirectoryReads.changedSince(objectType, marketo, watermarks.get(objectType), config.getDirectoryOverlap()),
                    true, row -> {
                        seen[0]++;
                        DirectoryReads.record(objectType, row, marketo, before.getFullLoadId(), us).ifPresent(record -> {
                            newest[0] = DirectoryReads.later(newest[0], record.getSystemModstamp());
                            send(record.getId(), DirectoryReads.isTrue(row.get("IsDeleted")) ? null : record, image);
                        });
                    });
            // One request, and one more per 2,000 rows (nextRecordsUrl).
            metrics.pollCalls().increment(1 + seen[0] / 2000);
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new IllegalStateException("poll of " + objectType + " failed: " + read.describe());
            }
            rows[0] += seen[0];
            watermarks.put(objectType, newest[0]);
        }
        // The poll's records and its new watermarks, in one transaction: the watermark never passes records not there.
        DirectoryState after = commit(DirectoryState.newBuilder(before).setContactWatermark(watermarks.get("Contact"))
                .setLeadWatermark(watermarks.get("Lead")).setLastPollAt(clock.instant()).setLastPollRecords(rows[0]).build());
        if (image != null) {
            keep(image, term);
        }
        metrics.recordsRead().increment(rows[0]);
        metrics.pollTime().record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        return after;
    }

    /** Sends a poll's record (null: a tombstone) and applies it to the image this leader keeps, if any. */
    private void send(String id, SalesforceRecord record, RecordImage image) {
        long fingerprint = record == null ? 0 : DirectoryReads.fingerprint(record);
        writer.sendInChunks(DirectoryLoad.toTopic(id, record, fingerprint), null);
        if (image != null && record == null) {
            image.remove(id);
        } else if (image != null) {
            image.put(id, fingerprint);
        }
    }

    /**
     * The image this leader kept, if it is still good for {@code term}, handed over to one load or poll: until that one's
     * writes are all on the topic, nothing is kept.
     */
    private RecordImage takeKept(long term) {
        RecordImage image = kept != null && keptTerm == term ? kept : null;
        kept = null;
        return image;
    }

    /** Keeps {@code image} for the next load or poll, if this instance still leads in {@code term}. */
    private void keep(RecordImage image, long term) {
        if (leads.test(term)) {
            kept = image;
            keptTerm = term;
        }
    }

    /**
     * Sends where the directory stands and commits the transaction; only then is it the state. Fenced (another instance
     * leads now) or failed: nothing of the transaction is read, and the watermark stays where it was.
     */
    private DirectoryState commit(DirectoryState next) {
        writer.send(TopicRecords.of(Topics.DIRECTORY_STATE, Topics.DIRECTORY_STATE_KEY, next), null);
        writer.commit();
        return next;
    }

    private static byte[] bytes(int count) {
        byte[] random = new byte[count];
        RANDOM.nextBytes(random);
        return random;
    }

    @Override
    public void close() {
        writer.close();
    }
}
