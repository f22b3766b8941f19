package dev.unsubsync.pusher.kafka;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/** Creates the topics the pusher reads and writes, at start-up, when they are missing; registers the schema it writes. */
@Singleton
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private final String bootstrapServers;
    private final KafkaClients kafka;

    public TopicSetup(@Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClients kafka) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TopicProvisioner.ensureAtStartUp(bootstrapServers, Topics.ALL, "the push loops wait for Kafka");
        SchemaWarmup.start("salesforce-pusher", kafka.config(), SchemaWarmup.valuesOf(java.util.List.of(Topics.PUSH_RESULTS)));
    }
}
