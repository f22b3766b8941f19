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
