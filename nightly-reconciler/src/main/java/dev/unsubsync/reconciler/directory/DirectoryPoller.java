package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.reconciler.leadership.Leadership;
import dev.unsubsync.reconciler.support.ReconcilerConfiguration;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people directory's schedule, on the instance that leads the nightly runs (one reader for every instance): a full
 * load when none was ever made, with every nightly run and at least once a day, and between them an incremental poll
 * every {@code reconciler.directory-poll-interval} ({@link DirectoryReader}). Where it stands is kept on
 * {@code salesforce-directory-state}, so a restarted or new leader goes on from there without a full reload; its writes
 * are fenced by leadership term, so a deposed leader's late write never lands ({@link DirectoryWriter}).
 * {@link DirectoryTopology} turns the records into people.
 */
@Singleton
public class DirectoryPoller implements ApplicationEventListener<StartupEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPoller.class);

    private final SalesforceClient salesforce;
    private final SettingsView settings;
    private final RunStarts runs;
    private final Leadership leadership;
    private final ReconcilerConfiguration config;
    private final KafkaClients kafka;
    private final Clock clock;
    private final DirectoryMetrics metrics;
    private final AtomicReference<DirectoryState> state = new AtomicReference<>();
    private volatile CompactedView stateView;
    private volatile DirectoryReader reader;
    private volatile Thread thread;
    private volatile boolean running = true;

    public DirectoryPoller(SalesforceClient salesforce, SettingsView settings, RunStarts runs, Leadership leadership,
            ReconcilerConfiguration config, KafkaClients kafka, Clock clock, MeterRegistry metrics) {
        this.salesforce = salesforce;
        this.settings = settings;
        this.runs = runs;
        this.leadership = leadership;
        this.config = config;
        this.kafka = kafka;
        this.clock = clock;
        this.metrics = DirectoryMetrics.register(metrics);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!config.isDirectoryEnabled()) {
            LOG.info("People directory off (reconciler.directory-enabled=false)");
            return;
        }
        DirectoryWriter writer = new DirectoryWriter(() -> kafka.transactionalProducer("directory", KafkaClients.Profile.BULK,
                DirectoryWriter.TRANSACTIONAL_ID, new StringSerializer(), new AvroKafkaSerializer<>()), DirectoryWriter.CHUNK);
        reader = new DirectoryReader(salesforce, new MarketoFields(salesforce, settings::current, clock), config, kafka, clock, metrics, writer,
                leadership::leadingIn);
        stateView = new CompactedView("directory-state", Topics.DIRECTORY_STATE, kafka.config(), (key, value) -> {
            if (value instanceof DirectoryState read) {
                state.set(read);
            }
        }, () -> {
        });
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
                if (!leadership.leading()) {
                    reader.forget();
                }
                if (leadership.leading() && stateView.caughtUp() && settings.awaitCaughtUp(Duration.ZERO) && runs.caughtUp()
                        && !clock.instant().isBefore(nextPoll)) {
                    Optional<Instant> lastRunStarted = runs.lastStarted();
                    long term = leadership.term();
                    state.set(DirectoryReads.fullLoadDue(state.get(), lastRunStarted, clock.instant(), config.getDirectoryFullLoadEvery())
                            ? reader.fullLoad(state.get(), term)
                            : reader.poll(state.get(), term));
                    nextPoll = clock.instant().plus(config.getDirectoryPollInterval());
                }
                TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(50, config.getDirectoryPollInterval().toMillis() / 4)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Salesforce or Kafka away, or fenced by a newer leader: nothing moved (the watermark is committed with the records).
                LOG.warn("People directory: {}; trying again in {}", e.getMessage(), config.getDirectoryPollInterval());
                nextPoll = clock.instant().plus(config.getDirectoryPollInterval());
            }
        }
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
        if (reader != null) {
            reader.close();
        }
    }
}
