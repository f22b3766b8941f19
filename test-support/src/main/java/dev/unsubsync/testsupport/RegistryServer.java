package dev.unsubsync.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apicurio Registry server, run as its own JVM from the unpacked Quarkus application, bound to 127.0.0.1 on free
 * ports, with in-memory storage and a global FULL_TRANSITIVE compatibility rule.
 *
 * <p>Used by the test infrastructure and by the local launcher alike.
 */
public final class RegistryServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the registry found in {@code home} (the folder holding {@code quarkus-run.jar}) and waits until it is ready.
     *
     * @param java     the java executable to run it with (a JDK 21+)
     * @param home     the unpacked registry
     * @param port     the HTTP port, or 0 for a free one
     * @param log      file that receives the registry's output
     * @param timeout  how long to wait for readiness
     * @param storage  folder for a persistent (H2 file) store that survives restarts, or null for in-memory storage
     */
    public static RegistryServer start(Path java, Path home, int port, Path log, Duration timeout, Path storage) throws IOException, InterruptedException {
        Path jar = home.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "No Apicurio Registry at " + home + " (quarkus-run.jar missing): run the build first, it unpacks the registry there");
        }
        int httpPort = port == 0 ? freePort() : port;
        int managementPort = freePort();
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + log.getParent(),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.log.level=WARN",
                // A small connection pool: the default of 20 idle connections is sized for a shared server.
                "-Dapicurio.datasource.jdbc.initial-size=2",
                "-Dapicurio.datasource.jdbc.min-size=2",
                "-Dapicurio.datasource.jdbc.max-size=10"));
        if (storage != null) {
            Files.createDirectories(storage);
            // Schema ids must outlive a restart, or records already on Kafka could no longer be decoded.
            command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + storage.toAbsolutePath().resolve("registry"));
            command.add("-Dapicurio.storage.snapshot.location=" + storage.toAbsolutePath());
        }
        command.add("-jar");
        command.add(jar.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RegistryServer server = new RegistryServer(process, httpPort, log);
        try {
            server.awaitReady(timeout);
            server.requireFullTransitiveCompatibility();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8085}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The registry's own v3 API, which Apicurio's serdes talk to. */
    public String apiUrl() {
        return baseUrl() + "/apis/registry/v3";
    }

    /** The Confluent-compatible API, for analysts and Confluent-speaking tools. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(apiUrl() + "/system/info")).timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + " during start-up; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("Apicurio Registry not ready after " + timeout + "; see " + log);
    }

    private void requireFullTransitiveCompatibility() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest put = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/config"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"FULL_TRANSITIVE\"}"))
                .build();
        HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Could not set the FULL_TRANSITIVE rule: " + response.statusCode() + " " + response.body());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
