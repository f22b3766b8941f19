package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.reconciler.leadership.Leadership;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when runs happen, and makes sure only one happens at a time across every instance: only the leader
 * ({@link Leadership}) runs them; the others only answer the API. The leader starts the nightly run when it is due (when
 * the sync is enabled; otherwise it records a SKIPPED run that says why), a missed one at start-up, manual runs asked for
 * through the API, and restarts any run left RUNNING by an instance that died. When it stops leading, its run is
 * cancelled and the next leader restarts it.
 */
@Singleton
public class RunCoordinator implements Leadership.Duty {

    private static final Logger LOG = LoggerFactory.getLogger(RunCoordinator.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Runs runs;
    private final SettingsView settings;
    private final NightlyRun nightlyRun;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("nightly-run").factory());
    private volatile boolean leading;
    private volatile boolean running = true;
    private Future<?> current;
    private volatile String currentRunId;
    private final RunPlanner planner = new RunPlanner();

    public RunCoordinator(Runs runs, SettingsView settings, NightlyRun nightlyRun, Clock clock) {
        this.runs = runs;
        this.settings = settings;
        this.nightlyRun = nightlyRun;
        this.clock = clock;
    }

    /** A new run id: when it was asked for, and a random suffix. */
    public static String newRunId(Instant at) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return "run-" + RUN_ID_TIME.format(at) + "-" + HexFormat.of().formatHex(suffix);
    }

    /** When the next scheduled run is due, per the settings in force. */
    public Instant nextScheduled() {
        SyncSettings now = settings.current();
        return NightlySchedule.of(now.getNightlyTime(), now.getNightlyZone()).nextAfter(clock.instant());
    }

    @Override
    public synchronized void started() {
        leading = true;
        planner.startLeading();
    }

    @Override
    public synchronized void stopped() {
        leading = false;
        if (current != null && !current.isDone()) {
            LOG.warn("Cancelling run {}: the next leader restarts it", currentRunId);
            current.cancel(true);
        }
    }

    @Override
    public synchronized void step() throws Exception {
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
    void stop() {
        running = false;
        executor.shutdownNow();
    }
}
