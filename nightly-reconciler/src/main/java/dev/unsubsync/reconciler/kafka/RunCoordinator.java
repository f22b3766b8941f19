package dev.unsubsync.reconciler.kafka;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.reconciler.domain.NightlySchedule;
import dev.unsubsync.reconciler.domain.RunPlanner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when runs happen, and makes sure only one happens at a time across every instance: the instance that holds the
 * runs topic's one partition in the {@code nightly-reconciler-runs} consumer group leads; the others only answer the
 * API. The leader starts the nightly run when it is due (when the sync is enabled; otherwise it records a SKIPPED run
 * that says why), a missed one at start-up, manual runs asked for through the API, and restarts any run left RUNNING by
 * an instance that died. When it stops leading, its run is cancelled and the next leader restarts it.
 */
@Singleton
public class RunCoordinator implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCoordinator.class);
    static final String GROUP_ID = "nightly-reconciler-runs";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KafkaClients kafka;
    private final Runs runs;
    private final SettingsView settings;
    private final NightlyRun nightlyRun;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("nightly-run").factory());
    private volatile boolean leading;
    /** Moves on every time this instance starts or stops leading: what a leader keeps is good only within one term. */
    private final AtomicLong term = new AtomicLong();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private Future<?> current;
    private volatile String currentRunId;
    private final RunPlanner planner = new RunPlanner();

    public RunCoordinator(KafkaClients kafka, Runs runs, SettingsView settings, NightlyRun nightlyRun, Clock clock) {
        this.kafka = kafka;
        this.runs = runs;
        this.settings = settings;
        this.nightlyRun = nightlyRun;
        this.clock = clock;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        thread = Thread.ofPlatform().name("run-coordinator").start(this::lead);
    }

    /** A new run id: when it was asked for, and a random suffix. */
    public static String newRunId(Instant at) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return "run-" + RUN_ID_TIME.format(at) + "-" + HexFormat.of().formatHex(suffix);
    }

    /** Whether this instance leads (runs the schedule and the runs). */
    public boolean leading() {
        return leading;
    }

    /**
     * This instance's leadership term: it changes whenever leadership is gained or lost, so something kept while leading
     * (the directory's image of {@code salesforce-records}) is known to be this leader's own, unbroken, while it is equal.
     */
    public long term() {
        return term.get();
    }

    /** When the next scheduled run is due, per the settings in force. */
    public Instant nextScheduled() {
        SyncSettings now = settings.current();
        return NightlySchedule.of(now.getNightlyTime(), now.getNightlyZone()).nextAfter(clock.instant());
    }

    private void lead() {
        Map<String, Object> config = new HashMap<>(kafka.config());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A dead leader is replaced after 10 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.RECONCILE_RUNS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        stepDown();
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    stepDown();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        LOG.info("This instance now leads the nightly runs");
                        term.incrementAndGet();
                        leading = true;
                        synchronized (RunCoordinator.this) {
                            planner.startLeading();
                        }
                    }
                }
            });
            while (running) {
                // The records themselves are read by Runs; polling keeps this member in the group.
                c.poll(Duration.ofMillis(500));
                if (leading) {
                    try {
                        tick();
                    } catch (Exception e) {
                        LOG.warn("Run coordination step failed: {}; trying again", e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Run coordinator stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("Run coordinator stopped; this instance leads no runs", e);
        } finally {
            stepDown();
        }
    }

    private synchronized void stepDown() {
        if (leading) {
            LOG.info("This instance no longer leads the nightly runs");
            term.incrementAndGet();
        }
        leading = false;
        if (current != null && !current.isDone()) {
            LOG.warn("Cancelling run {}: the next leader restarts it", currentRunId);
            current.cancel(true);
        }
    }

    private synchronized void tick() throws Exception {
        if (!runs.caughtUp() || !settings.awaitCaughtUp(Duration.ZERO)) {
            return;
        }
        if (current != null && !current.isDone()) {
            return;
        }
        // Runs asked for, or left running by an instance that died, go first; a due nightly run waits for them.
        List<ReconcileRun> unfinished = runs.unfinished();
        if (!unfinished.isEmpty()) {
            ReconcileRun next = unfinished.getFirst();
            if (next.getState() == RunState.RUNNING) {
                LOG.warn("Run {} was left running in phase {} by an instance that stopped; restarting it", next.getRunId(), next.getPhase());
                start(ReconcileRun.newBuilder(next).setAttempt(next.getAttempt() + 1).build());
            } else {
                start(next);
            }
            return;
        }
        Instant now = clock.instant();
        SyncSettings in = settings.current();
        Optional<Instant> before = planner.nextDue();
        Optional<RunPlanner.Due> due = planner.due(NightlySchedule.of(in.getNightlyTime(), in.getNightlyZone()), runs.lastScheduled(), now);
        if (!planner.nextDue().equals(before)) {
            LOG.info("Next nightly run at {} ({} {})", planner.nextDue().orElseThrow(), in.getNightlyTime(), in.getNightlyZone());
        }
        if (due.isPresent()) {
            if (due.get().trigger() == RunTrigger.MISSED) {
                LOG.info("The nightly run due at {} was missed; running it now", due.get().due());
            }
            startScheduled(due.get().trigger(), due.get().due(), in);
        }
    }

    private void startScheduled(RunTrigger trigger, Instant due, SyncSettings in) throws Exception {
        ReconcileRun run = ReconcileRun.newBuilder().setRunId(newRunId(due)).setTrigger(trigger).setState(RunState.REQUESTED)
                .setPhase(RunPhase.PENDING).setRequestedAt(due).build();
        if (!in.getNightlySyncEnabled()) {
            LOG.info("Nightly run due at {} skipped: the nightly sync is disabled in the settings", due);
            runs.publish(ReconcileRun.newBuilder(run).setState(RunState.SKIPPED).setPhase(RunPhase.DONE).setEndedAt(clock.instant())
                    .setMessage("the nightly sync is disabled in the settings (nightlySyncEnabled=false); nothing was done").build());
            return;
        }
        runs.publish(run);
        start(run);
    }

    private void start(ReconcileRun requested) throws Exception {
        ReconcileRun run = runs.publish(ReconcileRun.newBuilder(requested).setState(RunState.RUNNING).setPhase(RunPhase.PENDING)
                .setStartedAt(clock.instant()).setEndedAt(null).setProcessed(0).setTotal(0).setMessage(null).build());
        currentRunId = run.getRunId();
        LOG.info("Run {} (attempt {}, {}) starting", run.getRunId(), run.getAttempt(), run.getTrigger());
        current = executor.submit(() -> {
            try {
                nightlyRun.execute(run, () -> !leading || !running);
            } catch (CancellationException | InterruptedException e) {
                LOG.warn("Run {} stopped before its end; it stays RUNNING for the next leader to restart", run.getRunId());
            } catch (Exception e) {
                // Not even the failure could be published: the run stays RUNNING and is restarted on the next tick.
                LOG.error("Run {} failed unexpectedly", run.getRunId(), e);
            }
        });
    }

    /** The run this instance is running now, if any. */
    public Optional<String> currentRun() {
        Future<?> f = current;
        return f != null && !f.isDone() ? Optional.ofNullable(currentRunId) : Optional.empty();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(Duration.ofSeconds(10));
        }
        executor.shutdownNow();
    }
}
