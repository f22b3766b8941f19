package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.PeopleDirectory;
import dev.unsubsync.pusher.support.PusherConfiguration;
import dev.unsubsync.salesforce.SalesforceClient;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the pusher's consumer loops with the service and stops them with it: new unsubscribes, parked ones, and the
 * nightly reconciler's pushes (its own group, so a large nightly diff never delays a real-time unsubscribe).
 */
@Singleton
public class PushLoops implements ApplicationEventListener<StartupEvent> {

    private final List<PushLoop> loops;

    public PushLoops(OptOutPusher pusher, FieldCheck fieldCheck, PusherConfiguration config, KafkaClients kafka, Producers producers,
            PushMetrics metrics, SalesforceClient salesforce, PeopleDirectory people, SettingsView settings) {
        LoopParts parts = new LoopParts(pusher, fieldCheck, config, kafka, producers, metrics, salesforce, people, settings);
        this.loops = Arrays.stream(LoopMode.values()).map(mode -> new PushLoop(mode, mode.loopName(), mode.group(config.getGroupId()), parts)).toList();
    }

    /** Loops that failed and wait to restart, by name, with why. */
    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        loops.forEach(loop -> loop.problem().ifPresent(problem -> problems.put(loop.name(), problem)));
        return problems;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        loops.forEach(PushLoop::start);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        for (PushLoop loop : loops) {
            loop.stop();
        }
    }
}
