package dev.unsubsync.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics a service needs when they do not exist yet, with the partitions and settings {@link Topics} declares. */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /**
     * At a service's start-up: creates whichever of {@code topics} are missing, waiting at most 15 s for the cluster.
     * A broker that is down is logged, not fatal; the service copes with it as it would with one that goes down later.
     *
     * @param consequence what the service does meanwhile, for the log line
     * @return whether the topics are known to exist
     */
    public static boolean ensureAtStartUp(String bootstrapServers, Collection<Topic<?, ?>> topics, String consequence) {
        try (Admin admin = Admin.create(java.util.Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // Fail fast at start-up instead of the default minute-long wait when the broker is down.
                org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            ensure(admin, topics, Duration.ofSeconds(15));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("Could not check or create topics {} on {} at start-up ({}); {}", topics, bootstrapServers, e.toString(), consequence);
            return false;
        }
    }

    /**
     * Creates whichever of {@code topics} are missing. Replication factor is the cluster's default. Existing topics are
     * left as they are.
     *
     * @throws TimeoutException when the cluster does not answer in time
     */
    public static void ensure(Admin admin, Collection<Topic<?, ?>> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(new NewTopic(topic.name(), Optional.of(topic.partitions()), Optional.empty()).configs(topic.config()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
            // Another instance created it first: fine.
        }
    }
}
