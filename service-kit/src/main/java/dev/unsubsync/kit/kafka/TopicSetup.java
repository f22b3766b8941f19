package dev.unsubsync.kit.kafka;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/**
 * At start-up, before the server takes requests: creates the service's topics when missing and checks them
 * ({@link TopicProvisioner}), then registers the schemas it writes ({@link SchemaWarmup}), as its {@link ServiceTopics}
 * says. A part that must not start before the topics exist (Kafka Streams) calls {@link #ensure()} itself: the work is
 * done once, by whichever comes first.
 */
@Singleton
@Requires(beans = ServiceTopics.class)
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private final ServiceTopics topics;
    private final KafkaClients kafka;
    private final TopicSetupConfiguration configuration;
    private boolean done;

    public TopicSetup(ServiceTopics topics, KafkaClients kafka, TopicSetupConfiguration configuration) {
        this.topics = topics;
        this.kafka = kafka;
        this.configuration = configuration;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        ensure();
    }

    /** Provisions and checks the topics and starts registering the schemas, once. */
    public synchronized void ensure() {
        if (done) {
            return;
        }
        TopicProvisioner.ensureAtStartUp(kafka.adminConfig(), topics.provisioned(), configuration.getStartUpWait(), topics.meanwhile());
        SchemaWarmup.start(topics.service(), kafka.config(), topics.written());
        done = true;
    }
}
