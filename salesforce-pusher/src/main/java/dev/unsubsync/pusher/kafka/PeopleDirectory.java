package dev.unsubsync.pusher.kafka;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.pusher.domain.People;
import dev.unsubsync.pusher.domain.PersonRecord;
import dev.unsubsync.schemas.RegistryErrors;
import dev.unsubsync.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people directory as this pusher instance holds it: every partition of {@code salesforce-people} read from its
 * beginning and followed, kept in memory as person key → the IDs to write (a converted Lead already replaced by its
 * Contact). Only IDs are kept — a single string for the usual one record — so a million people cost about 240 MiB of heap
 * (measured, see docs/benchmarks.md).
 *
 * <p>The directory is a cache of Salesforce, never the truth: a person it does not list is looked up live, so a lag or
 * an unreadable entry costs API calls, not unsubscribes. What a live lookup found is kept for {@code learnedTtl}, until
 * the directory lists it itself.
 */
public final class PeopleDirectory implements People, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeopleDirectory.class);
    private static final int MAX_DECODE_TRIES = 5;

    /** person key → a String (one ID) or a String[] (several). */
    private final Map<String, Object> byPerson = new ConcurrentHashMap<>();
    private final Map<String, Learned> learned = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration learnedTtl;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private record Learned(List<PersonRecord> records, Instant until) {
    }

    /**
     * @param clientConfig bootstrap servers and registry settings
     * @param values       decodes the directory's Avro values
     */
    public PeopleDirectory(Map<String, Object> clientConfig, Deserializer<Object> values, Clock clock, Duration learnedTtl, MeterRegistry metrics) {
        this.clock = clock;
        this.learnedTtl = learnedTtl;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Large fetches: the directory is read whole at start-up.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        Gauge.builder("unsubsync.directory.people", byPerson, Map::size).description("People (emails) the directory lists").register(metrics);
        Gauge.builder("unsubsync.directory.caught.up", caughtUp, latch -> latch.getCount() == 0 ? 1 : 0)
                .description("1 once the directory topic has been read to its end").register(metrics);
        this.thread = Thread.ofPlatform().daemon().name("people-directory").start(this::follow);
    }

    @Override
    public Optional<List<PersonRecord>> known(String personKey) {
        Object ids = byPerson.get(personKey);
        if (ids != null) {
            List<PersonRecord> records = new ArrayList<>();
            if (ids instanceof String id) {
                records.add(PersonRecord.of(id));
            } else {
                for (String id : (String[]) ids) {
                    records.add(PersonRecord.of(id));
                }
            }
            return Optional.of(records);
        }
        Learned found = learned.get(personKey);
        if (found != null && clock.instant().isBefore(found.until())) {
            return Optional.of(found.records());
        }
        if (found != null) {
            learned.remove(personKey, found);
        }
        return Optional.empty();
    }

    @Override
    public void learned(String personKey, List<PersonRecord> records) {
        if (!learnedTtl.isZero()) {
            learned.put(personKey, new Learned(List.copyOf(records), clock.instant().plus(learnedTtl)));
        }
    }

    /** Whether the directory has been read to its end once. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until the directory has been read to its end once; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** People listed. */
    public int size() {
        return byPerson.size();
    }

    void apply(String personKey, Object value) {
        if (personKey == null) {
            return;
        }
        if (!(value instanceof SalesforcePeople people) || people.getRecords().isEmpty()) {
            byPerson.remove(personKey);
            return;
        }
        List<String> ids = new ArrayList<>(people.getRecords().size());
        for (DirectoryEntry entry : people.getRecords()) {
            try {
                String id = PersonRecord.writable(entry.getId(), entry.getIsConverted(), entry.getConvertedContactId()).id();
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("Directory entry of {} lists an unusable ID {}; left out", dev.unsubsync.schemas.PersonKey.masked(personKey), entry.getId());
            }
        }
        if (ids.isEmpty()) {
            byPerson.remove(personKey);
        } else {
            byPerson.put(personKey, ids.size() == 1 ? ids.getFirst() : ids.toArray(String[]::new));
        }
        learned.remove(personKey);
    }

    private void follow() {
        int decodeTries = 0;
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                // The topic may not exist yet (provisioned at start-up, possibly by another service).
                consumer.partitionsFor(Topics.SALESFORCE_PEOPLE.name(), Duration.ofSeconds(30))
                        .forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                if (partitions.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                        apply(record.key(), record.value());
                    }
                    decodeTries = 0;
                } catch (RecordDeserializationException e) {
                    // The registry unreachable: try the record again, however long it takes. A record that never decodes
                    // is skipped after a few tries (the people it lists are looked up live instead).
                    if (RegistryErrors.unavailable(e)) {
                        LOG.warn("Directory record {}@{} waits for the schema registry: {}", e.topicPartition(), e.offset(), e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset());
                        Thread.sleep(1000);
                    } else if (++decodeTries < MAX_DECODE_TRIES) {
                        LOG.warn("Directory record {}@{} not readable yet ({}); trying again", e.topicPartition(), e.offset(), e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset());
                        Thread.sleep(1000L * decodeTries);
                    } else {
                        LOG.error("Directory record {}@{} skipped after {} tries: {}", e.topicPartition(), e.offset(), decodeTries, e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset() + 1);
                        decodeTries = 0;
                    }
                }
                if (caughtUp.getCount() > 0 && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    LOG.info("People directory read: {} people", byPerson.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("People directory stopped unexpectedly; people are looked up live", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("People directory stopped; people are looked up live", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
