package dev.unsubsync.deploy;

import dev.unsubsync.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local stack's broker: a single-node KRaft broker (combined broker and controller) as its own JVM from the Maven
 * Central jars on deploy's class path, data kept in its folder so a restart keeps state. Also one node of
 * {@link LocalCluster}'s three, each broker and controller, with replication 3 and two in-sync copies required.
 */
final class LocalKafka implements AutoCloseable {

    private final Path root;
    private final Path kafkaDir;
    private final Path logs;
    private final int port;
    private final int controllerPort;
    private final Duration startTimeout;
    private final String adminPassword;
    private final Cluster cluster;
    private volatile Process broker;

    /**
     * Where a node sits in a cluster of several: its id, the controller quorum ({@code id@host:port,...}), the shared
     * cluster id, and how many nodes there are (replication factor, with one fewer copies required in sync).
     */
    record Cluster(int nodeId, String voters, String clusterId, int nodes) {
    }

    /**
     * @param adminPassword null for a plaintext broker that lets every client do anything (the local stack); otherwise
     *                      clients authenticate with SCRAM-SHA-512 and are authorized by ACL, and {@code admin} (this
     *                      password) is the one super user, as on a platform's cluster
     */
    LocalKafka(Path root, Path kafkaDir, Path logs, int port, int controllerPort, Duration startTimeout, String adminPassword) {
        this(root, kafkaDir, logs, port, controllerPort, startTimeout, adminPassword, null);
    }

    /** One node of a cluster (plaintext). */
    LocalKafka(Path root, Path kafkaDir, Path logs, int port, int controllerPort, Duration startTimeout, Cluster cluster) {
        this(root, kafkaDir, logs, port, controllerPort, startTimeout, null, cluster);
    }

    private LocalKafka(Path root, Path kafkaDir, Path logs, int port, int controllerPort, Duration startTimeout, String adminPassword, Cluster cluster) {
        this.adminPassword = adminPassword;
        this.cluster = cluster;
        this.root = root;
        this.kafkaDir = kafkaDir;
        this.logs = logs;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startTimeout = startTimeout;
    }

    /** Writes the configuration, formats the data folder the first time, starts the broker and waits until it listens. */
    void start() throws IOException, InterruptedException {
        launch();
        awaitListening();
    }

    /**
     * As {@link #start()} without waiting: a cluster's nodes are all launched first, since none serves before a
     * majority of the controllers is up.
     */
    void launch() throws IOException, InterruptedException {
        Path logDir = kafkaDir.resolve("data");
        Path config = kafkaDir.resolve("server.properties");
        Files.createDirectories(kafkaDir);
        String listener = adminPassword == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        List<String> lines = new ArrayList<>(List.of(
                "# Written by ./run on every start.",
                "process.roles=broker,controller",
                "node.id=" + (cluster == null ? 1 : cluster.nodeId()),
                cluster == null ? "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort : "controller.quorum.voters=" + cluster.voters(),
                "listeners=" + listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + listener + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + listener,
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT," + listener + ":" + listener,
                "log.dirs=" + logDir,
                "offsets.topic.replication.factor=" + replicas(),
                "transaction.state.log.replication.factor=" + replicas(),
                "transaction.state.log.min.isr=" + Math.max(1, replicas() - 1),
                "default.replication.factor=" + replicas(),
                "# A write counts once all but one of the copies have it: one node can be lost without losing or refusing writes.",
                "min.insync.replicas=" + Math.max(1, replicas() - 1),
                "unclean.leader.election.enable=false",
                "group.initial.rebalance.delay.ms=0",
                "# Topics exist as Topics declares them, created by the services; never by a client that merely asks for one.",
                "auto.create.topics.enable=false"));
        if (adminPassword != null) {
            lines.addAll(List.of(
                    "# Every client authenticates (SCRAM-SHA-512) and is authorized by ACL; admin is the one super user. The",
                    "# controller listener (loopback only) carries the node's own traffic, unauthenticated, as ANONYMOUS.",
                    "sasl.enabled.mechanisms=SCRAM-SHA-512",
                    "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                    "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=" + jaasConfig("admin", adminPassword),
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:admin;User:ANONYMOUS",
                    "allow.everyone.if.no.acl.found=false"));
        }
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        String classpath = ServiceProcess.classpath(root.resolve("deploy"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            // Format once; later starts reuse the data.
            List<String> command = new ArrayList<>(List.of(java().toString(), "-cp", classpath,
                    "kafka.tools.StorageTool", "format", "-t", cluster == null ? clusterId() : cluster.clusterId(), "-c", config.toString()));
            if (cluster == null) {
                command.add("--standalone");
            }
            if (adminPassword != null) {
                // The super user's credential exists from the first start: nobody else could create it.
                command.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=admin,password=" + adminPassword + "]"));
            }
            Process format = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(logs.resolve(name() + "-format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("Formatting the Kafka data folder failed; see " + logs.resolve(name() + "-format.log"));
            }
        }
        launchBroker();
    }

    /** A client's {@code sasl.jaas.config} for a SCRAM user. */
    static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** Stops the broker cleanly and starts it again on the same data. */
    void restart() throws IOException, InterruptedException {
        stop(broker);
        launchBroker();
        awaitListening();
    }

    long pid() {
        return broker.pid();
    }

    private int replicas() {
        return cluster == null ? 1 : cluster.nodes();
    }

    /** Kills the broker at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts a killed or stopped broker again on its data. */
    void startAgain() throws IOException, InterruptedException {
        launchBroker();
        awaitListening();
    }

    boolean alive() {
        return broker != null && broker.isAlive();
    }

    @Override
    public void close() {
        try {
            stop(broker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String name() {
        return cluster == null ? "kafka" : "kafka-" + cluster.nodeId();
    }

    private void launchBroker() throws IOException {
        Path config = kafkaDir.resolve("server.properties");
        String classpath = ServiceProcess.classpath(root.resolve("deploy"));
        broker = new ProcessBuilder(java().toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + kafkaDir, "-cp", classpath, "kafka.Kafka", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name() + ".log").toFile())).start();
    }

    /** Waits until the broker accepts connections. */
    void awaitListening() throws InterruptedException {
        String name = name();
        Instant deadline = Instant.now().plus(startTimeout);
        while (!listening(port)) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + broker.exitValue() + "; see " + logs.resolve(name + ".log"));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Kafka not listening on " + port + " after " + startTimeout);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's own tool makes them, and like it
     * never starting with '-', which the format tool would read as an option (one id in 64 did, failing the start).
     */
    static String clusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
