package dev.unsubsync.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real infrastructure every cross-process test runs against, started once per test JVM: an in-JVM KRaft broker
 * (Kafka's own test kit, one combined node) and an Apicurio Registry process.
 *
 * <p>Both stop in a JVM shutdown hook, that is after every test class has closed its application context; stopping the
 * broker first would leave clients retrying for half a minute.
 */
public final class TestInfrastructure {

    private static final Logger LOG = LoggerFactory.getLogger(TestInfrastructure.class);
    private static volatile TestInfrastructure instance;

    private final KafkaClusterTestKit kafka;
    private final RegistryServer registry;

    private TestInfrastructure(KafkaClusterTestKit kafka, RegistryServer registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The shared infrastructure, started on first use. */
    public static TestInfrastructure get() {
        TestInfrastructure local = instance;
        if (local == null) {
            synchronized (TestInfrastructure.class) {
                local = instance;
                if (local == null) {
                    local = start();
                    instance = local;
                }
            }
        }
        return local;
    }

    private static TestInfrastructure start() {
        long started = System.nanoTime();
        KafkaClusterTestKit kafka = null;
        try {
            Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "test-infrastructure");
            Files.createDirectories(scratch);
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(Files.createTempDirectory(scratch, "kraft-"))
                    .build();
            kafka = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // As in the local stack and production: topics come from provisioning, never from a client's request.
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            RegistryServer registry = RegistryServer.start(javaExecutable(), registryHome(), 0,
                    scratch.resolve("registry-" + ProcessHandle.current().pid() + ".log"), Duration.ofSeconds(90), null);
            TestInfrastructure infrastructure = new TestInfrastructure(kafka, registry);
            Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::stop, "test-infrastructure-stop"));
            LOG.info("Test infrastructure up in {} ms: kafka {}, registry {}", (System.nanoTime() - started) / 1_000_000,
                    kafka.bootstrapServers(), registry.baseUrl());
            return infrastructure;
        } catch (Exception e) {
            if (kafka != null) {
                try {
                    kafka.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("Could not start the test infrastructure: " + e.getMessage(), e);
        }
    }

    private static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path registryHome() {
        String home = System.getProperty("registry.home");
        if (home == null) {
            throw new IllegalStateException("System property registry.home is not set: run tests through Maven, which unpacks the registry and sets it");
        }
        return Path.of(home);
    }

    /** Bootstrap servers of the broker, e.g. {@code localhost:40123}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The registry server. */
    public RegistryServer registry() {
        return registry;
    }

    /** The broker, for tests that inspect or administer it. */
    public KafkaClusterTestKit kafka() {
        return kafka;
    }

    /**
     * Configuration that points a Micronaut service at this infrastructure: the broker, and Apicurio's serdes at the
     * registry.
     */
    public Map<String, String> micronautProperties() {
        return Map.of(
                "kafka.bootstrap.servers", bootstrapServers(),
                "kafka.apicurio.registry.url", registry.apiUrl());
    }

    private void stop() {
        registry.close();
        try {
            kafka.close();
        } catch (Exception e) {
            LOG.warn("Broker did not close cleanly", e);
        }
    }
}
