package dev.unsubsync.capture.kafka;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Creates the topics capture writes to, and the ones its history store reads ({@code optout-push-results}), at start-up
 * when they are missing: before the server starts, so the history store finds them co-partitioned; then registers the
 * schemas it writes ({@link SchemaWarmup}).
 */
@Singleton
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private final String bootstrapServers;
    private final KafkaClients clients;

    public TopicSetup(@Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClients clients) {
        this.bootstrapServers = bootstrapServers;
        this.clients = clients;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TopicProvisioner.ensureAtStartUp(bootstrapServers, List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.SETTINGS, Topics.WEBHOOK_DEAD_LETTERS,
                        Topics.CONSOLE_SESSIONS_ENDED),
                "requests answer 503 until Kafka is reachable");
        SchemaWarmup.start("unsubscribe-capture", clients.config(), SchemaWarmup.valuesOf(List.of(Topics.SETTINGS, Topics.CONSOLE_SESSIONS_ENDED),
                new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.getClassSchema()),
                new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRemoved.getClassSchema())));
    }
}
