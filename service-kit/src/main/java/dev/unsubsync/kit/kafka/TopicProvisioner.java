package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics a service needs when they do not exist yet, with the partitions and settings {@link Topics} declares. */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /**
     * At a service's start-up: creates whichever of {@code topics} are missing, waiting at most {@code wait} for the cluster.
     * A broker that is down is logged, not fatal; the service copes with it as it would with one that goes down later.
     *
     * @param consequence what the service does meanwhile, for the log line
     * @return whether the topics are known to exist
     */
    public static boolean ensureAtStartUp(Map<String, Object> adminConfig, Collection<Topic<?, ?>> topics, Duration wait, String consequence) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        // Fail fast at start-up instead of the default minute-long wait when the broker is down.
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, wait.toMillis()));
        Object bootstrapServers = config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(config)) {
            ensure(admin, topics, wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TopicMismatchException e) {
            // Not what we declare, and not fixable here: running on it would break ordering or co-partitioning.
            throw e;
        } catch (Exception e) {
            LOG.warn("Could not check or create topics {} on {} at start-up ({}); {}", topics, bootstrapServers, e.toString(), consequence);
            return false;
        }
    }

    /** A topic whose partition count is not the declared one: the service refuses to start on it. */
    public static final class TopicMismatchException extends IllegalStateException {
        TopicMismatchException(String message) {
            super(message);
        }
    }

    /**
     * Every declared topic ({@link Topics#ALL}) at the broker {@code bootstrapServers}, as {@link #ensure} makes them:
     * the one call a test, a benchmark or a local tool makes before it writes.
     */
    public static void ensureAll(String bootstrapServers, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            ensure(admin, Topics.ALL, timeout);
        }
    }

    /**
     * Creates whichever of {@code topics} are missing (replication factor: the cluster's default) and checks the others:
     * a declared setting (cleanup policy, retention, …) that differs is set back to the declared value; a partition
     * count that differs cannot be fixed without moving keys between partitions, so it is refused.
     *
     * @throws TimeoutException       when the cluster does not answer in time
     * @throws TopicMismatchException when a topic exists with another partition count than declared
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
        checkExisting(admin, topics.stream().filter(t -> existing.contains(t.name())).toList(), timeout);
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // Another instance created it first, or the listing was behind the cluster: check what is there instead.
            Set<String> notCreated = missing.stream().map(NewTopic::name).collect(Collectors.toSet());
            checkExisting(admin, topics.stream().filter(t -> notCreated.contains(t.name())).toList(), timeout);
        }
    }

    private static void checkExisting(Admin admin, List<Topic<?, ?>> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described = admin.describeTopics(
                topics.stream().map(Topic::name).toList()).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> wrong = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            int actual = described.get(topic.name()).partitions().size();
            if (actual != topic.partitions()) {
                wrong.add(topic.name() + " has " + actual + " partition(s), " + topic.partitions() + " declared");
            }
        }
        if (!wrong.isEmpty()) {
            throw new TopicMismatchException("Topics not as declared: " + String.join("; ", wrong) + ". A topic created by a client"
                    + " before the services provisioned it (broker auto-creation) or by hand must be recreated with the declared partitions"
                    + " (locally: stop ./run local and delete .local).");
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> fixes = new HashMap<>();
        for (Topic<?, ?> topic : topics) {
            ConfigResource resource = new ConfigResource(
                    ConfigResource.Type.TOPIC, topic.name());
            Config actual = configs.get(resource);
            topic.config().forEach((name, value) -> {
                ConfigEntry entry = actual.get(name);
                if (entry == null || !value.equals(entry.value())) {
                    LOG.warn("Topic {}: {} is {}, declared {}; setting it", topic.name(), name, entry == null ? "unset" : entry.value(), value);
                    fixes.computeIfAbsent(resource, r -> new ArrayList<>()).add(new AlterConfigOp(
                            new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
        }
        if (!fixes.isEmpty()) {
            admin.incrementalAlterConfigs(fixes).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
