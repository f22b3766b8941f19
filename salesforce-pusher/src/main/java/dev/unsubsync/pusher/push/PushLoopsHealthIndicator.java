package dev.unsubsync.pusher.push;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.util.Map;

/** DOWN while a push loop failed and waits to restart, naming the loop and the error; UP while every loop runs. */
@Singleton
public class PushLoopsHealthIndicator extends AbstractHealthIndicator<Map<String, String>> {

    private final PushLoops loops;

    public PushLoopsHealthIndicator(PushLoops loops) {
        this.loops = loops;
    }

    @Override
    protected Map<String, String> getHealthInformation() {
        Map<String, String> problems = loops.problems();
        healthStatus = problems.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN;
        return problems;
    }

    @Override
    protected String getName() {
        return "pushLoops";
    }
}
