package dev.unsubsync.deploy;

import dev.unsubsync.testsupport.RegistryServer;
import dev.unsubsync.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The whole system on this machine, on 127.0.0.1: a single-node KRaft broker as its own JVM (data kept under the data
 * folder, so a restart keeps state), Apicurio Registry (schemas kept there too), the Salesforce emulator, capture,
 * pusher and reconciler. Behind {@code ./run local}; the end-to-end tests start it on free ports. The broker and the key
 * material are {@link LocalKafka} and {@link LocalSecrets}; a broker that authenticates every client, {@link SecuredKafka}.
 */
public final class LocalStack implements AutoCloseable {

    /** Where each part listens. */
    public record Ports(int kafka, int kafkaController, int registry, int emulator, int capture, int pusher, int reconciler) {

        /** The documented local defaults. */
        public static Ports defaults() {
            return new Ports(9092, 9093, 8085, 8089, 8080, 8081, 8082);
        }
    }

    /** Local-only credentials, fixed so the README's walk-through works verbatim. */
    public static final String EMULATOR_CLIENT_ID = "local-client";
    public static final String EMULATOR_CLIENT_SECRET = "local-secret";
    /** The admin token: every scope, on every service. */
    public static final String CAPTURE_TOKEN = "local-dev-token";
    /** A key that may only post unsubscribes and mint one-click links, as an upstream system's would. */
    public static final String INGEST_TOKEN = "local-ingest-token";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final Path data;
    private final Ports ports;
    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    private final List<String> pids = new CopyOnWriteArrayList<>();
    private final Map<String, ServiceProcess> services = new ConcurrentHashMap<>();
    private final Map<String, Runnable> restarts = new ConcurrentHashMap<>();
    private final LocalKafka kafka;
    private volatile RegistryServer registry;
    private final LocalSecrets secrets;
    private final SecuredKafka secured;

    private LocalStack(Path root, Path data, Ports ports, SecuredKafka secured) {
        this.root = root;
        this.data = data;
        this.ports = ports;
        this.secured = secured;
        this.secrets = new LocalSecrets(data, data.resolve("logs"));
        this.kafka = new LocalKafka(root, data.resolve("kafka"), data.resolve("logs"), ports.kafka(), ports.kafkaController(), START_TIMEOUT,
                secured == null ? null : secured.adminPassword());
    }

    /** Starts everything from the built modules under {@code root}, data and logs under {@code data}; waits until all are ready. */
    public static LocalStack start(Path root, Path data, Ports ports) throws IOException, InterruptedException {
        return start(root, data, ports, null);
    }

    /** As {@link #start(Path, Path, Ports)}, on a broker that authenticates and authorizes every client. */
    public static LocalStack start(Path root, Path data, Ports ports, SecuredKafka secured) throws IOException, InterruptedException {
        LocalStack stack = new LocalStack(root.toAbsolutePath(), data.toAbsolutePath(), ports, secured);
        try {
            stack.startAll();
        } catch (IOException | RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startAll() throws IOException, InterruptedException {
        Files.createDirectories(logs());
        Instant began = Instant.now();
        // Side by side: a part's start-up mostly waits (class loading, the JIT, connections), and the services only need
        // the broker, the registry and the emulator up before them.
        SideBySide.start(this::startKafka, () -> {
            startRegistry();
            started.push(() -> {
                if (registry != null) {
                    registry.close();
                }
            });
            pids.add("registry " + registry.pid());
        }, () -> service("salesforce-emulator", "dev.unsubsync.emulator.Application", ports.emulator(), Map.of("micronaut.environments", "local")));

        String keysFile = secrets.apiKeysFile().toString();
        Map<String, String> kafka = Map.of(
                "kafka.bootstrap.servers", bootstrapServers(),
                "kafka.apicurio.registry.url", registryUrl() + "/apis/registry/v3",
                "micronaut.environments", "local",
                "capture.api-keys-file", keysFile, "pusher.api-keys-file", keysFile, "reconciler.api-keys-file", keysFile);
        // The pusher and the reconciler both call the emulator, wherever it listens.
        Map<String, String> pusher = new LinkedHashMap<>(kafka);
        pusher.put("salesforce.login-url", emulatorUrl());
        // Capture serves the admin console, which reads the reconciler's and the pusher's APIs through it.
        Map<String, String> capture = new LinkedHashMap<>(kafka);
        // One-click links point at this stack's capture, whichever port it listens on.
        capture.put("capture.public-url", captureUrl());
        capture.put("capture.reconciler-url", reconcilerUrl());
        capture.put("capture.pusher-url", pusherUrl());
        capture.putAll(secrets.captureWebhooks(captureUrl()));
        SideBySide.start(() -> service("unsubscribe-capture", "dev.unsubsync.capture.Application", ports.capture(), capture),
                () -> service("salesforce-pusher", "dev.unsubsync.pusher.Application", ports.pusher(), pusher),
                () -> service("nightly-reconciler", "dev.unsubsync.reconciler.Application", ports.reconciler(), pusher));
        System.out.printf("All parts up in %.1f s%n", Duration.between(began, Instant.now()).toMillis() / 1000.0);
    }

    private void startKafka() throws IOException, InterruptedException {
        kafka.start();
        started.push(kafka::close);
        pids.add("kafka " + kafka.pid());
        if (secured != null) {
            Map<String, Object> admin = new LinkedHashMap<>(SecuredKafka.clientSettings("", "admin", secured.adminPassword()));
            admin.put("bootstrap.servers", bootstrapServers());
            try {
                secured.setUp().run(admin);
            } catch (IOException | RuntimeException | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Setting up the secured broker failed: " + e.getMessage(), e);
            }
        }
    }

    /** The private half of the local SNS signing key, for tests that sign Amazon SES notifications. */
    public PrivateKey snsSigningKey() throws IOException, GeneralSecurityException {
        return secrets.snsSigningKey();
    }

    /** The private half of the local SendGrid signing key, for tests that sign webhook calls. */
    public PrivateKey sendGridSigningKey() throws IOException, GeneralSecurityException {
        return secrets.sendGridSigningKey();
    }

    /** Where the local SendGrid signing key is kept. */
    public Path sendGridKeyFile() {
        return secrets.sendGridKeyFile();
    }

    private void service(String module, String mainClass, int port, Map<String, String> config) throws IOException, InterruptedException {
        Map<String, String> properties = new LinkedHashMap<>(config);
        if (secured != null && config.containsKey("kafka.bootstrap.servers")) {
            String password = secured.servicePasswords().get(module);
            if (password == null) {
                throw new IllegalArgumentException("No Kafka password for " + module);
            }
            properties.putAll(SecuredKafka.clientSettings("kafka.", module, password));
        }
        properties.put("micronaut.server.port", String.valueOf(port));
        ServiceProcess process = launch(module, mainClass, port, properties);
        started.push(() -> services.get(module).close());
        pids.add(module + " " + process.pid());
        restarts.put(module, () -> {
            try {
                launch(module, mainClass, port, properties);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private ServiceProcess launch(String module, String mainClass, int port, Map<String, String> properties) throws IOException, InterruptedException {
        Path scratch = data.resolve("tmp").resolve(module);
        Files.createDirectories(scratch);
        ServiceProcess process = ServiceProcess.start(module, root, module, mainClass, properties,
                // Scratch files (Kafka Streams state, Vert.x cache) stay under the data folder, not in /tmp.
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + scratch),
                logs().resolve(module + ".log"), URI.create("http://127.0.0.1:" + port + "/health/liveness"), START_TIMEOUT);
        services.put(module, process);
        return process;
    }

    /** Starts the registry on its port, on the data folder's storage (schema ids survive a restart). */
    public void startRegistry() throws IOException, InterruptedException {
        registry = RegistryServer.start(java(), root.resolve("target/apicurio-registry"), ports.registry(),
                logs().resolve("registry.log"), START_TIMEOUT, data.resolve("registry"));
    }

    /** Stops the registry, as an outage would. For resilience tests; {@link #startRegistry()} brings it back. */
    public void stopRegistry() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    /** Kills a service at once (SIGKILL), as a crash would. For resilience tests. */
    public void kill(String module) {
        services.get(module).kill();
    }

    /** Starts a killed or stopped service again with the same configuration and waits until it is live. */
    public void restart(String module) {
        restarts.get(module).run();
    }

    /** Stops the broker cleanly and starts it again on the same data. For resilience tests. */
    public void restartKafka() throws IOException, InterruptedException {
        kafka.restart();
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private Path logs() {
        return data.resolve("logs");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    public String emulatorUrl() {
        return "http://127.0.0.1:" + ports.emulator();
    }

    public String captureUrl() {
        return "http://127.0.0.1:" + ports.capture();
    }

    public String pusherUrl() {
        return "http://127.0.0.1:" + ports.pusher();
    }

    public String reconcilerUrl() {
        return "http://127.0.0.1:" + ports.reconciler();
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + ports.registry();
    }

    /** What is running where, and how to use it. */
    public String summary() {
        return String.join("\n",
                "",
                "unsubscribe sync is running on 127.0.0.1 (Ctrl-C stops everything):",
                "  capture      " + captureUrl() + "       POST /v1/unsubscribes   admin token: " + CAPTURE_TOKEN + "   ingest-only token: " + INGEST_TOKEN,
                "  console      " + captureUrl() + "/admin/   log in with the API key " + CAPTURE_TOKEN,
                "  webhooks     " + captureUrl() + "/webhooks/{sendgrid,mailgun,postmark,mandrill,sparkpost,ses}   SendGrid signed with "
                        + sendGridKeyFile() + "; the others' local secrets in LocalStack.java",
                "  pusher       " + pusherUrl() + "       GET /health, /prometheus, /v1/salesforce/fields   token: " + CAPTURE_TOKEN,
                "  reconciler   " + reconcilerUrl() + "       POST /v1/runs (run now), GET /v1/runs   token: " + CAPTURE_TOKEN,
                "  emulator     " + emulatorUrl() + "       OAuth client: " + EMULATOR_CLIENT_ID + " / " + EMULATOR_CLIENT_SECRET,
                "  registry     " + registryUrl() + "/apis/ccompat/v7   (Confluent-compatible API)",
                "  kafka        " + bootstrapServers(),
                "  data & logs  " + data,
                "  processes    " + String.join(", ", pids),
                "");
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("While stopping: " + e);
            }
        }
    }

    /** {@code ./run local}: starts everything, prints where, runs until Ctrl-C. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path data = Path.of(args.length > 1 ? args[1] : ".local");
        LocalStack stack = start(root, data, Ports.defaults());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            stack.close();
            stopped.countDown();
        }, "local-stack-stop"));
        System.out.println(stack.summary());
        stopped.await();
    }
}
