package dev.unsubsync.capture.kafka;

import dev.unsubsync.schemas.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Creates the topics capture writes to, and the ones its history store reads ({@code optout-push-results}), at start-up
 * when they are missing: before the server starts, so the history store finds them co-partitioned.
 */
@Singleton
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private final String bootstrapServers;

    public TopicSetup(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TopicProvisioner.ensureAtStartUp(bootstrapServers, List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.SETTINGS, Topics.WEBHOOK_DEAD_LETTERS,
                        Topics.CONSOLE_SESSIONS_ENDED),
                "requests answer 503 until Kafka is reachable");
    }
}
