package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.reconciler.directory.RunStarts;
import dev.unsubsync.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every run's latest state, as every instance sees it on the compacted {@link Topics#RECONCILE_RUNS} topic, and the one
 * way to change a run: publish its new state there (durably, before anyone is told).
 */
@Singleton
public class Runs implements RunStarts, AutoCloseable {

    private final Map<String, ReconcileRun> runs = new ConcurrentHashMap<>();
    private final CompactedView view;
    private final KafkaProducer<String, ReconcileRun> producer;

    public Runs(KafkaClients kafka) {
        // A run's state is written while the API caller waits ("Run now"): durable, and never blocking for long.
        this.producer = kafka.producer("reconcile-runs", KafkaClients.Profile.REQUEST, new StringSerializer(), new AvroKafkaSerializer<ReconcileRun>());
        this.view = new CompactedView("runs-view", Topics.RECONCILE_RUNS, kafka.config(), (key, value) -> {
            if (key == null) {
                return;
            }
            if (value instanceof ReconcileRun run) {
                runs.merge(key, run, Runs::later);
            } else if (value == null) {
                runs.remove(key);
            }
        }, () -> {
        });
    }

    /** Publishes a run's new state and waits until Kafka has it. */
    public ReconcileRun publish(ReconcileRun run) throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(TopicRecords.of(Topics.RECONCILE_RUNS, run.getRunId(), run)).get(15, TimeUnit.SECONDS);
        runs.merge(run.getRunId(), run, Runs::later);
        return run;
    }

    /**
     * Of two states of a run, the later one: records come back from the topic after this instance already applied them,
     * and must not set a run back (a run's phases and attempts only move forward).
     */
    private static ReconcileRun later(ReconcileRun known, ReconcileRun incoming) {
        int attempts = Integer.compare(incoming.getAttempt(), known.getAttempt());
        if (attempts != 0) {
            return attempts > 0 ? incoming : known;
        }
        if (ended(known) && !ended(incoming)) {
            return known;
        }
        if (ended(incoming)) {
            return incoming;
        }
        int phases = Integer.compare(incoming.getPhase().ordinal(), known.getPhase().ordinal());
        if (phases != 0) {
            return phases > 0 ? incoming : known;
        }
        return incoming.getProcessed() >= known.getProcessed() || incoming.getState() != known.getState() ? incoming : known;
    }

    static boolean ended(ReconcileRun run) {
        return run.getState() == RunState.SUCCEEDED || run.getState() == RunState.FAILED || run.getState() == RunState.SKIPPED;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitCaughtUp(timeout);
    }

    @Override
    public boolean caughtUp() {
        return view.caughtUp();
    }

    public Optional<ReconcileRun> get(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public Optional<Instant> lastStarted() {
        return runs.values().stream().map(ReconcileRun::getStartedAt).filter(Objects::nonNull).max(Instant::compareTo);
    }

    /** Every run known, newest first. */
    public List<ReconcileRun> all() {
        return runs.values().stream().sorted(Comparator.comparing(ReconcileRun::getRequestedAt).reversed()).toList();
    }

    /** Runs asked for or going, oldest first. */
    public List<ReconcileRun> unfinished() {
        return runs.values().stream().filter(run -> !ended(run))
                .sorted(Comparator.comparing(ReconcileRun::getRequestedAt)).toList();
    }

    /** When the last scheduled (or missed-and-caught-up) run became due, if one ever did. */
    public Optional<Instant> lastScheduled() {
        return runs.values().stream()
                .filter(run -> run.getTrigger() == RunTrigger.SCHEDULE || run.getTrigger() == RunTrigger.MISSED)
                .map(ReconcileRun::getRequestedAt).max(Comparator.naturalOrder());
    }

    @PreDestroy
    @Override
    public void close() {
        view.close();
        producer.close(Duration.ofSeconds(5));
    }
}
