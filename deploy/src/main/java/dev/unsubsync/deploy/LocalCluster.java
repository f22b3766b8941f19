package dev.unsubsync.deploy;

import dev.unsubsync.testsupport.RegistryServer;
import dev.unsubsync.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The system as a platform runs it, on this machine: three KRaft nodes (each broker and controller, replication 3,
 * two copies in sync required, no auto-creation), the registry, the Salesforce emulator, and two instances each of
 * capture, pusher and reconciler — as the service images under podman when they are built and podman runs here, as
 * processes otherwise (the choice is printed). Behind {@code ./run cluster} and the fault test; every part can be killed
 * and brought back.
 *
 * <p>The order and wiring of the parts: ports, the settings each container or process gets, start and stop order. The
 * broker nodes' own start and kill are {@link LocalKafka}, a service's container {@link ClusterContainer}.
 */
public final class LocalCluster implements AutoCloseable {

    /** How the services run. */
    public enum Runner { IMAGES, PROCESSES }

    /** One running service instance. */
    public interface Instance {
        /** SIGKILL: no shutdown hooks, no goodbyes. */
        void kill() throws IOException, InterruptedException;

        /** A graceful stop (SIGTERM, then the grace period). */
        void stop() throws IOException, InterruptedException;

        /** Starts it again with the same configuration and waits until it is live. */
        void start() throws IOException, InterruptedException;

        String url();
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final List<String> SERVICES = List.of("unsubscribe-capture", "salesforce-pusher", "nightly-reconciler");
    private static final Map<String, String> MAIN_CLASSES = Map.of(
            "salesforce-emulator", "dev.unsubsync.emulator.Application", "unsubscribe-capture", "dev.unsubsync.capture.Application",
            "salesforce-pusher", "dev.unsubsync.pusher.Application", "nightly-reconciler", "dev.unsubsync.reconciler.Application");

    private final Path root;
    private final Path data;
    private final Runner runner;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<LocalKafka> brokers = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();
    private final Map<String, List<Instance>> instances = new LinkedHashMap<>();
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private RegistryServer registry;
    private Instance emulator;

    private LocalCluster(Path root, Path data, Runner runner) {
        this.root = root;
        this.data = data;
        this.runner = runner;
    }

    /**
     * Starts everything on ports from {@code firstPort} up (20 of them) and waits until each part is ready.
     *
     * @param runner null: images when they are built and podman is here, processes otherwise
     */
    public static LocalCluster start(Path root, Path data, int firstPort, Runner runner) throws IOException, InterruptedException {
        Runner chosen = runner != null ? runner : imagesAvailable(root) ? Runner.IMAGES : Runner.PROCESSES;
        LocalCluster cluster = new LocalCluster(root.toAbsolutePath(), data.toAbsolutePath(), chosen);
        System.out.println("Services run as " + (chosen == Runner.IMAGES
                ? "the images under podman (target/jib-image.tar of each module)"
                : "processes (build the images with ./mvnw -Pimages package and have podman to run them as images)"));
        try {
            cluster.startAll(firstPort);
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Whether every service image is built and podman answers. */
    public static boolean imagesAvailable(Path root) {
        for (String module : MAIN_CLASSES.keySet()) {
            if (!Files.isRegularFile(root.resolve(module).resolve("target/jib-image.tar"))) {
                return false;
            }
        }
        try {
            return Podman.run(root, "version").contains("Version");
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void startAll(int firstPort) throws IOException, InterruptedException {
        Files.createDirectories(logs());
        Instant began = Instant.now();
        String clusterId = LocalKafka.clusterId();
        StringBuilder voters = new StringBuilder();
        for (int node = 1; node <= 3; node++) {
            voters.append(node == 1 ? "" : ",").append(node).append("@127.0.0.1:").append(firstPort + 3 + node - 1);
        }
        for (int node = 1; node <= 3; node++) {
            int port = firstPort + node - 1;
            brokerPorts.add(port);
            LocalKafka broker = new LocalKafka(root, data.resolve("kafka-" + node), logs(), port, firstPort + 3 + node - 1, START_TIMEOUT,
                    new LocalKafka.Cluster(node, voters.toString(), clusterId, 3));
            brokers.add(broker);
            started.push(broker::close);
            broker.launch();
        }
        for (LocalKafka broker : brokers) {
            broker.awaitListening();
        }
        registry = RegistryServer.start(Path.of(System.getProperty("java.home"), "bin", "java"), root.resolve("target/apicurio-registry"),
                firstPort + 6, logs().resolve("registry.log"), START_TIMEOUT, data.resolve("registry"));
        started.push(registry::close);
        if (runner == Runner.IMAGES) {
            for (String module : MAIN_CLASSES.keySet()) {
                Podman.run(root, "load", "-q", "-i", root.resolve(module).resolve("target/jib-image.tar").toString());
            }
        }
        emulator = launch("salesforce-emulator", 1, firstPort + 7, Map.of("micronaut.environments", "local"));
        Map<String, String> common = Map.of(
                "kafka.bootstrap.servers", bootstrapServers(),
                "kafka.apicurio.registry.url", registry.apiUrl(),
                "micronaut.environments", "local",
                "salesforce.login-url", emulator.url());
        int port = firstPort + 8;
        for (String module : SERVICES) {
            for (int instance = 1; instance <= 2; instance++) {
                Map<String, String> config = new LinkedHashMap<>(common);
                if (module.equals("unsubscribe-capture")) {
                    config.put("capture.advertised-host", "127.0.0.1");
                }
                instances.computeIfAbsent(module, m -> new ArrayList<>()).add(launch(module, instance, port++, config));
            }
        }
        System.out.printf("All parts up in %.1f s%n", Duration.between(began, Instant.now()).toMillis() / 1000.0);
    }

    private Instance launch(String module, int instance, int port, Map<String, String> config) throws IOException, InterruptedException {
        Map<String, String> properties = new LinkedHashMap<>(config);
        properties.put("micronaut.server.port", String.valueOf(port));
        String name = module + "-" + instance;
        Instance launched = runner == Runner.IMAGES
                ? new ClusterContainer(root, logs(), START_TIMEOUT, name + "-" + runId, module, port, properties)
                : new Jvm(name, module, port, properties);
        launched.start();
        started.push(() -> {
            launched.stop();
            if (launched instanceof ClusterContainer container) {
                container.remove();
            }
        });
        return launched;
    }

    /** Every broker, e.g. {@code 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094}. */
    public String bootstrapServers() {
        return String.join(",", brokerPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    public Runner runner() {
        return runner;
    }

    /** The instances of a service, e.g. both capture instances. */
    public List<Instance> instances(String module) {
        return instances.get(module);
    }

    public Instance emulator() {
        return emulator;
    }

    public String registryUrl() {
        return registry.baseUrl();
    }

    /** Kills broker {@code node} (1–3) at once, as a crash would. */
    public void killBroker(int node) throws InterruptedException {
        brokers.get(node - 1).kill();
    }

    /** Starts a killed broker again on its data and waits until it listens. */
    public void startBroker(int node) throws IOException, InterruptedException {
        brokers.get(node - 1).startAgain();
    }

    private Path logs() {
        return data.resolve("logs");
    }

    /** What is running where. */
    public String summary() {
        StringBuilder text = new StringBuilder("\nunsubscribe sync is running as a cluster on 127.0.0.1 (Ctrl-C stops everything):\n");
        text.append("  kafka        ").append(bootstrapServers()).append("   (3 nodes, replication 3, min in sync 2)\n");
        text.append("  registry     ").append(registryUrl()).append('\n');
        text.append("  emulator     ").append(emulator.url()).append("   OAuth client: ").append(LocalStack.EMULATOR_CLIENT_ID)
                .append(" / ").append(LocalStack.EMULATOR_CLIENT_SECRET).append('\n');
        instances.forEach((module, list) -> text.append("  ").append(String.format("%-12s ", module.replace("unsubscribe-", "").replace("salesforce-", "")
                .replace("nightly-", ""))).append(String.join("  ", list.stream().map(Instance::url).toList())).append('\n'));
        text.append("  token        ").append(LocalStack.CAPTURE_TOKEN).append("   logs: ").append(logs()).append('\n');
        return text.toString();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("Stopping a part failed: " + e);
            }
        }
    }

    /** {@code ./run cluster}: starts the cluster on the documented ports and keeps it up until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path data = Path.of(args.length > 1 ? args[1] : ".cluster");
        Runner runner = System.getProperty("cluster.runner") == null ? null : Runner.valueOf(System.getProperty("cluster.runner").toUpperCase(Locale.ROOT));
        LocalCluster cluster = start(root, data, 19092, runner);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }));
        System.out.println(cluster.summary());
        stopped.await();
    }

    /** A service as a JVM from its module's build. */
    private final class Jvm implements Instance {
        private final String name;
        private final String module;
        private final int port;
        private final Map<String, String> properties;
        private volatile ServiceProcess process;

        Jvm(String name, String module, int port, Map<String, String> properties) {
            this.name = name;
            this.module = module;
            this.port = port;
            this.properties = properties;
        }

        @Override
        public void start() throws IOException, InterruptedException {
            Path scratch = data.resolve("tmp").resolve(name);
            Files.createDirectories(scratch);
            process = ServiceProcess.start(name, root, module, MAIN_CLASSES.get(module), properties,
                    List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + scratch),
                    logs().resolve(name + ".log"), URI.create(url() + "/health/liveness"), START_TIMEOUT);
        }

        @Override
        public void kill() {
            process.kill();
        }

        @Override
        public void stop() {
            process.close();
        }

        @Override
        public String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /** The environment variable of a setting: the documented one where there is one, else Micronaut's mapping. */
    static String variable(String property) {
        return switch (property) {
            case "kafka.apicurio.registry.url" -> "REGISTRY_URL";
            default -> property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        };
    }

}
