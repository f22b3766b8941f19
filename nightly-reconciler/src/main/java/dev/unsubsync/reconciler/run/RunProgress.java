package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The run's state as it moves: published at phase changes and at most once a second in between, logged now and then. */
final class RunProgress {

    private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);
    private static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

    private ReconcileRun run;
    private long lastPublished;
    private long lastLogged = System.nanoTime();
    private final Publisher runs;
    private final Duration logEvery;

    /** Where the run's state goes (the runs topic). */
    interface Publisher {
        ReconcileRun publish(ReconcileRun run) throws Exception;
    }

    RunProgress(ReconcileRun run, Publisher runs, Duration logEvery) {
        this.run = run;
        this.runs = runs;
        this.logEvery = logEvery;
    }

    /** The run as it stands. */
    ReconcileRun run() {
        return run;
    }

    void phase(RunPhase phase, long total) throws Exception {
        run = ReconcileRun.newBuilder(run).setPhase(phase).setProcessed(0).setTotal(total).build();
        runs.publish(run);
        lastPublished = System.nanoTime();
    }

    void processed(long processed) {
        run.setProcessed(processed);
        long now = System.nanoTime();
        if (now - lastLogged > logEvery.toNanos()) {
            lastLogged = now;
            LOG.info("Run {}: {} {} of {}", run.getRunId(), run.getPhase(), processed, run.getTotal() == 0 ? "?" : run.getTotal());
        }
        if (now - lastPublished > PUBLISH_EVERY.toNanos()) {
            lastPublished = now;
            try {
                runs.publish(ReconcileRun.newBuilder(run).build());
            } catch (Exception e) {
                // Progress is best effort; the phase changes and the end are published for sure.
                LOG.warn("Run {}: progress not published: {}", run.getRunId(), e.toString());
            }
        }
    }

    boolean ended() {
        return Runs.ended(run);
    }

    ReconcileRun report(UnaryOperator<ReconcileRun.Builder> change) throws Exception {
        run = change.apply(ReconcileRun.newBuilder(run)).build();
        return runs.publish(run);
    }
}
