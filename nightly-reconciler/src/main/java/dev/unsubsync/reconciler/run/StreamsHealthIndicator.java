package dev.unsubsync.reconciler.run;

import dev.unsubsync.reconciler.diff.ReconcileStreams;
import dev.unsubsync.reconciler.leadership.Leadership;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** Ready while the diff's Kafka Streams application runs (or rebalances); says whether this instance leads the runs. */
@Singleton
@Readiness
public class StreamsHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final ReconcileStreams streams;
    private final Leadership leadership;
    private final RunCoordinator coordinator;

    public StreamsHealthIndicator(ReconcileStreams streams, Leadership leadership, RunCoordinator coordinator) {
        this.leadership = leadership;
        this.streams = streams;
        this.coordinator = coordinator;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        KafkaStreams.State state = streams.state();
        healthStatus = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("streams", state.name());
        details.put("activeTasks", streams.activeTasks());
        details.put("diffPartitions", streams.diffPartitions());
        details.put("leadsRuns", leadership.leading());
        details.put("runningNow", coordinator.currentRun().orElse("none"));
        return details;
    }

    @Override
    protected String getName() {
        return "reconciler";
    }
}
