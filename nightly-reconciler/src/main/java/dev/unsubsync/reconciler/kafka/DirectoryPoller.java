package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.reconciler.config.ReconcilerConfiguration;
import dev.unsubsync.reconciler.domain.DirectoryReads;
import dev.unsubsync.reconciler.domain.RecordImage;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * (Over 300 lines on purpose, not split: one reader's life — full loads, polls, watermarks and the image it keeps —
 * together because their order is the correctness argument.)
 *
 * <p>Reads Salesforce's Contacts and Leads into the people directory, on the instance that leads the nightly runs (one
 * reader for every instance): a full load through Bulk API 2.0 when none was ever made, with every nightly run and at
 * least once a day (writing only what changed, and tombstoning what it did not see: {@link DirectoryLoad}), and between
 * them an incremental poll every {@code reconciler.directory-poll-interval}: {@code queryAll} of what changed since the
 * last SystemModstamp seen (minus an overlap window), deleted records included. Where it stands is kept on
 * {@code salesforce-directory-state}, so a restarted or new leader goes on from there without a full reload.
 * {@link DirectoryTopology} turns the records into people.
 */
@Singleton
public class DirectoryPoller implements ApplicationEventListener<StartupEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPoller.class);
    private static final List<String> OBJECTS = List.of("Contact", "Lead");
    private static final Duration DESCRIBE_FOR = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The longest reading what salesforce-records holds may take at the start of a full load (millions of records). */
    private static final Duration IMAGE_TIMEOUT = Duration.ofMinutes(10);

    private final SalesforceClient salesforce;
    private final SettingsView settings;
    private final Runs runs;
    private final Provider<RunCoordinator> coordinator;
    private final ReconcilerConfiguration config;
    private final KafkaClients kafka;
    private final Clock clock;
    private final AtomicReference<DirectoryState> state = new AtomicReference<>();
    private final Map<String, MarketoField> marketoFields = new HashMap<>();
    private final Counter pollCalls;
    private final Counter loadCalls;
    private final Counter recordsRead;
    private final Counter recordsWritten;
    private final Counter recordsGone;
    private final Timer pollTime;
    private volatile CompactedView stateView;
    private volatile KafkaProducer<String, SpecificRecord> producer;
    private volatile Thread thread;
    private volatile boolean running = true;
    /**
     * What salesforce-records holds, kept from one full load to the next by this leader (the reader thread alone touches
     * it), with every write of its loads and polls applied; null when it must be read from the topic again: before the
     * first load, after a write that failed, or once {@link #keptTerm} is not the leadership term any more.
     */
    private RecordImage kept;
    private long keptTerm;

    /** What describe said of the field asked for: its name when it exists on the object, else null. */
    private record MarketoField(String asked, String name, Instant until) {
    }

    public DirectoryPoller(SalesforceClient salesforce, SettingsView settings, Runs runs, Provider<RunCoordinator> coordinator,
                           ReconcilerConfiguration config, KafkaClients kafka, Clock clock, MeterRegistry metrics) {
        this.salesforce = salesforce;
        this.settings = settings;
        this.runs = runs;
        this.coordinator = coordinator;
        this.config = config;
        this.kafka = kafka;
        this.clock = clock;
        this.pollCalls = Counter.builder("unsubsync.directory.api.calls").tag("kind", "poll")
                .description("Salesforce API requests the people directory made (poll: queryAll pages and describes; load: Bulk API job requests)").register(metrics);
        this.loadCalls = Counter.builder("unsubsync.directory.api.calls").tag("kind", "load")
                .description("Salesforce API requests the people directory made (poll: queryAll pages and describes; load: Bulk API job requests)").register(metrics);
        this.recordsRead = Counter.builder("unsubsync.directory.records.read").description("Contacts and Leads the directory read from Salesforce").register(metrics);
        this.recordsWritten = Counter.builder("unsubsync.directory.load.records").tag("outcome", "written")
                .description("Records a full load wrote to salesforce-records (written: new or changed; gone: tombstoned, not in Salesforce any more)").register(metrics);
        this.recordsGone = Counter.builder("unsubsync.directory.load.records").tag("outcome", "gone")
                .description("Records a full load wrote to salesforce-records (written: new or changed; gone: tombstoned, not in Salesforce any more)").register(metrics);
        this.pollTime = Timer.builder("unsubsync.directory.poll.duration").description("One incremental poll of Contacts and Leads").register(metrics);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!config.isDirectoryEnabled()) {
            LOG.info("People directory off (reconciler.directory-enabled=false)");
            return;
        }
        producer = kafka.bulkProducer();
        stateView = new CompactedView("directory-state", Topics.DIRECTORY_STATE, kafka.config(), (key, value) -> {
            if (value instanceof DirectoryState read) {
                state.set(read);
            }
        }, () -> { });
        thread = Thread.ofPlatform().name("people-directory").start(this::loop);
    }

    /** Where the directory stands, as last published. */
    public Optional<DirectoryState> state() {
        return Optional.ofNullable(state.get());
    }

    private void loop() {
        Instant nextPoll = Instant.EPOCH;
        while (running) {
            try {
                if (!coordinator.get().leading()) {
                    // Another instance may write salesforce-records from now on: what this one kept is not the topic.
                    kept = null;
                }
                if (coordinator.get().leading() && stateView.caughtUp() && settings.awaitCaughtUp(Duration.ZERO) && runs.caughtUp()
                        && !clock.instant().isBefore(nextPoll)) {
                    Optional<Instant> lastRunStarted = runs.all().stream().map(ReconcileRun::getStartedAt).filter(Objects::nonNull).max(Instant::compareTo);
                    if (DirectoryReads.fullLoadDue(state.get(), lastRunStarted, clock.instant(), config.getDirectoryFullLoadEvery())) {
                        fullLoad();
                    } else {
                        poll();
                    }
                    nextPoll = clock.instant().plus(config.getDirectoryPollInterval());
                }
                TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(50, config.getDirectoryPollInterval().toMillis() / 4)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Salesforce or Kafka away: nothing moved (the watermark moves only after the records are on Kafka).
                LOG.warn("People directory: {}; trying again in {}", e.getMessage(), config.getDirectoryPollInterval());
                nextPoll = clock.instant().plus(config.getDirectoryPollInterval());
            }
        }
    }

    /**
     * Reads every Contact and Lead with Bulk API 2.0 into {@code salesforce-records}, writing only what the topic does not
     * already hold as read, then tombstones what the load did not read: it is gone from Salesforce.
     */
    void fullLoad() throws Exception {
        Instant started = clock.instant();
        String loadId = "load-" + started.toEpochMilli() + "-" + HexFormat.of().formatHex(bytes(3));
        LOG.info("People directory: full load {} starting", loadId);
        DirectoryState before = state.get();
        long expected = before == null ? 0 : before.getFullLoadRecords();
        long term = coordinator.get().term();
        RecordImage known = takeKept(term);
        // Kept by this leader since its last load, or read while Salesforce prepares the first Bulk query's results.
        DirectoryLoad load = new DirectoryLoad(producer, known != null ? CompletableFuture.completedFuture(known)
                : DirectoryLoad.readImage(kafka.config(), (int) Math.min(Integer.MAX_VALUE / 2, expected + expected / 10), IMAGE_TIMEOUT));
        Map<String, Instant> watermarks = new HashMap<>();
        for (String objectType : OBJECTS) {
            String marketo = marketoField(objectType, loadCalls);
            Instant[] newest = {null};
            long[] rows = {0};
            Instant queryStarted = clock.instant();
            Outcome<Long> read = salesforce.bulkQuery(DirectoryReads.fullLoad(objectType, marketo), config.getSnapshotPageSize(), row -> {
                rows[0]++;
                DirectoryReads.record(objectType, row, marketo, loadId).ifPresent(record -> {
                    newest[0] = DirectoryReads.later(newest[0], record.getSystemModstamp());
                    load.accept(record);
                });
            });
            // A Bulk query job: create, a few status polls, one request per results page.
            loadCalls.increment(3 + Math.max(1, rows[0] / config.getSnapshotPageSize()));
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new IllegalStateException("full load of " + objectType + " failed: " + read.describe());
            }
            watermarks.put(objectType, DirectoryReads.fullLoadWatermark(newest[0], queryStarted));
        }
        load.sweep();
        producer.flush();
        if (load.failure() != null) {
            throw new IllegalStateException("full load " + loadId + " could not be written to Kafka: " + load.failure());
        }
        keep(load.imageAfter(), term);
        recordsRead.increment(load.read());
        recordsWritten.increment(load.written());
        recordsGone.increment(load.gone());
        Instant ended = clock.instant();
        publish(DirectoryState.newBuilder(before == null ? DirectoryState.newBuilder().build() : before)
                // The load read everything as of its start: polls go on from there, never from a later watermark kept before.
                .setContactWatermark(watermarks.get("Contact"))
                .setLeadWatermark(watermarks.get("Lead"))
                .setFullLoadId(loadId).setFullLoadStartedAt(started).setFullLoadEndedAt(ended).setFullLoadRecords(load.read())
                .build());
        LOG.info("People directory: full load {} read {} Contacts and Leads in {} ms ({}); {} new or changed written, {} gone from Salesforce tombstoned",
                loadId, load.read(), Duration.between(started, ended).toMillis(), known != null ? "compared with what this leader kept of the topic"
                        : "compared with the topic, read first", load.written(), load.gone());
    }

    /** Reads what changed or was deleted since the watermarks. */
    void poll() throws Exception {
        long began = System.nanoTime();
        DirectoryState before = state.get();
        long term = coordinator.get().term();
        RecordImage image = takeKept(term);
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        long[] rows = {0};
        Map<String, Instant> watermarks = new HashMap<>();
        watermarks.put("Contact", before.getContactWatermark());
        watermarks.put("Lead", before.getLeadWatermark());
        for (String objectType : OBJECTS) {
            String marketo = marketoField(objectType, pollCalls);
            Instant[] newest = {watermarks.get(objectType)};
            long[] seen = {0};
            Outcome<Long> read = salesforce.query(DirectoryReads.changedSince(objectType, marketo, watermarks.get(objectType), config.getDirectoryOverlap()),
                    true, row -> {
                        seen[0]++;
                        DirectoryReads.record(objectType, row, marketo, before.getFullLoadId()).ifPresent(record -> {
                            newest[0] = DirectoryReads.later(newest[0], record.getSystemModstamp());
                            send(record.getId(), DirectoryReads.isTrue(row.get("IsDeleted")) ? null : record, sendFailure, image);
                        });
                    });
            // One request, and one more per 2,000 rows (nextRecordsUrl).
            pollCalls.increment(1 + seen[0] / 2000);
            if (!(read instanceof Outcome.Ok<Long>)) {
                throw new IllegalStateException("poll of " + objectType + " failed: " + read.describe());
            }
            rows[0] += seen[0];
            watermarks.put(objectType, newest[0]);
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("poll could not be written to Kafka: " + sendFailure.get());
        }
        if (image != null) {
            keep(image, term);
        }
        recordsRead.increment(rows[0]);
        pollTime.record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        publish(DirectoryState.newBuilder(before).setContactWatermark(watermarks.get("Contact")).setLeadWatermark(watermarks.get("Lead"))
                .setLastPollAt(clock.instant()).setLastPollRecords(rows[0]).build());
    }

    /** Sends a poll's record (null: a tombstone) and applies it to the image this leader keeps, if any. */
    private void send(String id, SalesforceRecord record, AtomicReference<Exception> failure, RecordImage image) {
        long fingerprint = record == null ? 0 : DirectoryReads.fingerprint(record);
        producer.send(DirectoryLoad.toTopic(id, record, fingerprint), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
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
        if (coordinator.get().leading() && coordinator.get().term() == term) {
            kept = image;
            keptTerm = term;
        }
    }

    private void publish(DirectoryState next) throws Exception {
        producer.send(TopicRecords.of(Topics.DIRECTORY_STATE, Topics.DIRECTORY_STATE_KEY, next)).get(30, TimeUnit.SECONDS);
        state.set(next);
    }

    /**
     * The Marketo field's API name when the admin selected it and it exists on the object (describe, remembered for an
     * hour), else null: a field that is not installed is not read.
     */
    private String marketoField(String objectType, Counter calls) {
        SyncSettings current = settings.current();
        if (!current.getSyncToMarketoSalesOptOut()) {
            return null;
        }
        MarketoField known = marketoFields.get(objectType);
        Instant now = clock.instant();
        String asked = current.getMarketoSalesOptOutField();
        if (known == null || now.isAfter(known.until()) || !known.asked().equals(asked)) {
            calls.increment();
            Outcome<Describe> describe = salesforce.describe(objectType);
            if (!(describe instanceof Outcome.Ok<Describe>(Describe found))) {
                throw new IllegalStateException("could not describe " + objectType + ": " + describe.describe());
            }
            known = new MarketoField(asked, found.field(asked).isPresent() ? asked : null, now.plus(DESCRIBE_FOR));
            marketoFields.put(objectType, known);
        }
        return known.name();
    }

    private static byte[] bytes(int count) {
        byte[] random = new byte[count];
        RANDOM.nextBytes(random);
        return random;
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                // Stopping anyway: what follows closes the view and the producer.
                Thread.currentThread().interrupt();
            }
        }
        if (stateView != null) {
            stateView.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
