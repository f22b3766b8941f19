package dev.unsubsync.capture.kafka;

import dev.unsubsync.schemas.TopicProvisioner;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics capture writes to, at start-up, when they are missing. A broker that is down at start-up is
 * logged, not fatal: requests then answer 503 until it is back.
 */
@Singleton
public class TopicSetup implements ApplicationEventListener<StartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private final String bootstrapServers;

    public TopicSetup(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // Fail fast at start-up instead of the default minute-long wait when the broker is down.
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            TopicProvisioner.ensure(admin, List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.SETTINGS), Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Could not check or create topics on {} at start-up ({}); will answer 503 until Kafka is reachable", bootstrapServers, e.toString());
        }
    }
}
