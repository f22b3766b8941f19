package dev.unsubsync.pusher.kafka;

import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.pusher.config.PusherConfiguration;
import dev.unsubsync.pusher.domain.AllowanceGovernor;
import dev.unsubsync.pusher.domain.FieldCheck;
import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.pusher.domain.Parking;
import dev.unsubsync.pusher.domain.TransientPushFailure;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.kit.kafka.RegistryErrors;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer loop of the pusher. (Over 300 lines on purpose, one job: a consumer's life from gathering a batch to committing it,
 * kept in one place so "commit only once every outcome is on Kafka" can be read top to bottom; what a batch's records
 * become is {@link BatchRecords}, the rules are {@link OptOutPusher}.)
 *
 * The main loop reads {@code unsubscribe-events}; the parked loop reads
 * {@code unsubscribe-events-parked}, where events wait for a field to become writable, and pushes them once it is.
 *
 * <p>Each batch (gathered for up to {@code pusher.linger}) goes to {@link OptOutPusher}; every outcome is published
 * (push results, dead letters, parked events) and offsets are committed only once all of them are on Kafka. A batch
 * Salesforce cannot take is retried from its first offsets after a growing backoff with jitter, so a person's events
 * are never reordered and nothing is skipped. Values are read as bytes and decoded here, so a record that cannot be
 * decoded goes to the dead-letter topic instead of stalling its partition.
 */
public final class PushLoop {

    private static final Logger LOG = LoggerFactory.getLogger(PushLoop.class);
    private static final String SERVICE = "salesforce-pusher";

    private final String name;
    private final Topic<?, ?> source;
    private final String groupId;
    private final OptOutPusher pusher;
    private final FieldCheck fieldCheck;
    private final PusherConfiguration config;
    private final KafkaClients kafka;
    private final Producer<String, SpecificRecord> results;
    private final Producer<byte[], byte[]> raw;
    private final PushMetrics metrics;
    private final AllowanceGovernor governor;
    private final SalesforceClient salesforce;
    private final PeopleDirectory people;
    private final SettingsView settings;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running = true;
    private volatile String problem;

    PushLoop(String name, Topic<?, ?> source, String groupId, OptOutPusher pusher, FieldCheck fieldCheck, PusherConfiguration config,
             KafkaClients kafka, Producers producers, PushMetrics metrics, SalesforceClient salesforce, PeopleDirectory people, SettingsView settings) {
        this.people = people;
        this.settings = settings;
        this.name = name;
        this.source = source;
        this.groupId = groupId;
        this.pusher = pusher;
        this.fieldCheck = fieldCheck;
        this.config = config;
        this.kafka = kafka;
        this.results = producers.results();
        this.raw = producers.deadLetters();
        this.metrics = metrics;
        this.salesforce = salesforce;
        this.governor = new AllowanceGovernor(config.getAllowanceSlowdownShare(), config.getAllowanceMaxPause());
    }

    void start() {
        thread = Thread.ofPlatform().name(name).start(this::supervise);
    }

    /** The loop's name. */
    String name() {
        return name;
    }

    /** Why the loop cannot run now (it failed and waits to restart), or empty while it runs. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * Runs the loop for as long as the service runs: an unexpected failure (a bug, a client that throws where it should
     * answer) restarts it with a fresh consumer after a growing backoff, and health says so meanwhile, instead of the
     * thread ending silently while {@code /health} stays UP. Nothing is lost: offsets were not committed past the batch.
     */
    private void supervise() {
        int restarts = 0;
        while (running) {
            try {
                run();
                return;
            } catch (RuntimeException e) {
                restarts++;
                Duration backoff = backoff(restarts);
                problem = name + " failed (" + e + "); restart " + restarts + " in " + backoff.toMillis() + " ms";
                LOG.error("{} failed; restarting it in {} ms (restart {})", name, backoff.toMillis(), restarts, e);
                pause(backoff);
            }
        }
    }

    private boolean parkedLoop() {
        return source.equals(Topics.PUSH_PARKED);
    }

    private void run() {
        Map<String, Object> consumerConfig = kafka.batchConsumerConfig(groupId, config.getMaxBatchSize());
        Deserializer<Object> valueDecoder = kafka.avroDeserializer();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            metrics.bind(c);
            c.subscribe(List.of(source.name()));
            awaitSettings();
            int attempt = 1;
            Map<org.apache.kafka.common.TopicPartition, Long> idleCommitted = new java.util.HashMap<>();
            while (running) {
                List<ConsumerRecord<String, byte[]>> batch = gather(c);
                if (batch.isEmpty()) {
                    // Polling and nothing to do: the loop runs. Everything before the position is handled; committing it
                    // moves the group past the markers that end the reconciler's transactions, so an idle group shows
                    // no lag (alerts, KEDA) instead of one per partition written in a transaction.
                    problem = null;
                    try {
                        BatchRecords.commitIdlePositions(c, idleCommitted);
                    } catch (org.apache.kafka.common.errors.RetriableException | org.apache.kafka.clients.consumer.CommitFailedException
                             | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                        // Nothing was pending: the next idle poll commits again.
                        LOG.debug("{}: idle commit not taken: {}", name, e.toString());
                    }
                    continue;
                }
                salesforce.apiUsage().ifPresent(usage -> {
                    Duration spacing = governor.pauseBefore(usage.used(), usage.max());
                    if (!spacing.isZero()) {
                        LOG.warn("{}: {} of {} daily API requests used; waiting {} ms before the next batch", name, usage.used(), usage.max(), spacing.toMillis());
                        pause(spacing);
                    }
                });
                try {
                    handle(batch, valueDecoder, attempt);
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> next = BatchRecords.nextOffsets(batch);
                    c.commitSync(next);
                    next.forEach((partition, offset) -> idleCommitted.put(partition, offset.offset()));
                    attempt = 1;
                    problem = null;
                } catch (TransientPushFailure | org.apache.kafka.common.errors.RetriableException
                         | org.apache.kafka.clients.consumer.CommitFailedException | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                    // Salesforce could not take the batch, or Kafka could not record its outcome (a broker restarting,
                    // a rebalance): nothing is committed, the batch is read again. Pushing it twice is harmless.
                    Duration backoff = backoff(attempt);
                    metrics.retried(batch.size());
                    LOG.warn("{}: batch of {} events not finished (attempt {}): {}; retrying in {} ms", name, batch.size(), attempt, e.getMessage(), backoff.toMillis());
                    BatchRecords.rewindIfOwned(c, batch);
                    attempt++;
                    pause(backoff);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            valueDecoder.close();
        }
    }

    /**
     * Waits until the settings topic has been read to its end: an event pushed before that would follow the default
     * field choice, not the admin's (a registry outage at start-up, say, delays the read; the view waits for it).
     */
    private void awaitSettings() {
        boolean logged = false;
        try {
            while (running && !settings.awaitCaughtUp(Duration.ofSeconds(1))) {
                if (!logged) {
                    LOG.info("{} waits for the settings to be read before pushing anything", name);
                    logged = true;
                }
                problem = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** One poll, then more for up to the linger while the batch is not full. */
    private List<ConsumerRecord<String, byte[]>> gather(KafkaConsumer<String, byte[]> c) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        c.poll(Duration.ofMillis(500)).forEach(batch::add);
        if (batch.isEmpty()) {
            return batch;
        }
        long started = System.nanoTime();
        long deadline = started + config.getLinger().toNanos();
        while (batch.size() < config.getMaxBatchSize() && System.nanoTime() < deadline) {
            ConsumerRecords<String, byte[]> more = c.poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            more.forEach(batch::add);
        }
        if (source.equals(Topics.UNSUBSCRIBE_EVENTS) && batch.stream().anyMatch(record -> record.key() != null && !people.lists(record.key()))) {
            // Someone the directory does not list is looked up live: let more such people join the same query.
            long lookupDeadline = started + config.getLookupLinger().toNanos();
            while (batch.size() < config.getMaxBatchSize() && System.nanoTime() < lookupDeadline) {
                c.poll(Duration.ofNanos(Math.max(1, lookupDeadline - System.nanoTime()))).forEach(batch::add);
            }
        }
        return batch;
    }

    private void handle(List<ConsumerRecord<String, byte[]>> batch, Deserializer<Object> decoder, int attempt) {
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
                LOG.error("Unreadable record {}-{}@{} key={}: {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()), e.toString());
                sends.add(deadLetter(record, "UNREADABLE_RECORD", e.toString()));
                continue;
            }
            if (!(value instanceof SpecificRecord event)) {
                sends.add(deadLetter(record, "UNREADABLE_RECORD", "value is " + (value == null ? "null" : value.getClass().getName())));
                continue;
            }
            List<String> onlyFields = parkedLoop() ? BatchRecords.parkedFields(record) : List.of();
            // A record without a key (not one of ours: capture always keys by person) is the person its event names.
            String person = record.key() != null ? record.key()
                    : event instanceof UnsubscribeRecorded recorded ? PersonKey.of(recorded.getEmail())
                    : event instanceof dev.unsubsync.events.UnsubscribeRemoved removed ? PersonKey.of(removed.getEmail()) : null;
            if (person == null) {
                sends.add(deadLetter(record, "UNREADABLE_RECORD", "a record without a key whose value names no person"));
                continue;
            }
            OptOutPusher.Inbound in = new OptOutPusher.Inbound(person, event, onlyFields, source.equals(Topics.RECONCILE_PUSHES));
            if (parkedLoop() && fieldCheck.stillBlocks(in.event(), in.onlyFields())) {
                // Parked events wait, in order, until the field they need is writable.
                throw new TransientPushFailure("parked events still wait: " + fieldCheck.problems().keySet());
            }
            inbound.add(in);
            origin.put(in, record);
        }
        for (OptOutPusher.Decision decision : pusher.push(inbound, attempt)) {
            ConsumerRecord<String, byte[]> record = origin.get(decision.source());
            decision.deadLetter().ifPresent(failure -> {
                LOG.warn("Dead-lettering {}-{}@{} key={}: {} {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()), failure.code(), failure.message());
                sends.add(deadLetter(record, failure.code(), failure.message()));
            });
            decision.parked().ifPresent(parking -> {
                LOG.info("Parking {}-{}@{} key={} for {}", record.topic(), record.partition(), record.offset(), PersonKey.masked(record.key()), parking.fields());
                sends.add(park(record, parking));
            });
            for (OptOutPushResult result : decision.results()) {
                try {
                    sends.add(results.send(TopicRecords.of(Topics.PUSH_RESULTS, null, record.key(), result, BatchRecords.runHeader(record))));
                } catch (RuntimeException e) {
                    if (!RegistryErrors.unavailable(e)) {
                        throw e;
                    }
                    // The result's schema could not be registered or looked up: the batch waits for the registry.
                    throw new TransientPushFailure("schema registry unavailable while publishing a push result: " + e);
                }
                metrics.outcome(result, decision.source().event(), !source.equals(Topics.RECONCILE_PUSHES));
            }
        }
        for (Future<?> send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new TransientPushFailure("could not publish outcomes to Kafka: " + e);
            }
        }
        metrics.batch(batch.size(), System.nanoTime() - started);
    }

    private Future<?> park(ConsumerRecord<String, byte[]> record, Parking parking) {
        return raw.send(BatchRecords.parked(record, parking));
    }

    private Future<?> deadLetter(ConsumerRecord<String, byte[]> record, String code, String message) {
        metrics.deadLettered(code);
        return raw.send(BatchRecords.deadLettered(record, code, message, SERVICE));
    }

    private Duration backoff(int attempt) {
        long initial = config.getRetryInitialBackoff().toMillis();
        long capped = Math.min(config.getRetryMaxBackoff().toMillis(), initial << Math.min(attempt - 1, 20));
        // Jitter over the upper half, so many instances retrying together do not hit Salesforce in step.
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private void pause(Duration backoff) {
        try {
            // Returns early when the service stops.
            stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    void stop() throws InterruptedException {
        running = false;
        stopping.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(Duration.ofSeconds(10));
        }
    }
}
