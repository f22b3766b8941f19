package dev.unsubsync.pusher.kafka;

import dev.unsubsync.schemas.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/** Creates the topics the pusher reads and writes, at start-up, when they are missing. */
@Singleton
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private final String bootstrapServers;

    public TopicSetup(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TopicProvisioner.ensureAtStartUp(bootstrapServers, Topics.ALL, "the push loops wait for Kafka");
    }
}
