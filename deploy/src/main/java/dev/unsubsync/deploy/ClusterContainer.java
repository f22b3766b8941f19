package dev.unsubsync.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A service as its image under podman, on the host's network, configured by environment variables only. */
final class ClusterContainer implements LocalCluster.Instance {
    private final Path root;
    private final Path logs;
    private final Duration startTimeout;
    private final String name;
    private final String module;
    private final int port;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean created;

    ClusterContainer(Path root, Path logs, Duration startTimeout, String name, String module, int port, Map<String, String> properties) {
        this.root = root;
        this.logs = logs;
        this.startTimeout = startTimeout;
        this.name = name;
        this.module = module;
        this.port = port;
        properties.forEach((key, value) -> environment.put(LocalCluster.variable(key), value));
        // Loopback only, as everything this machine runs for tests.
        environment.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
    }

    @Override
    public void start() throws IOException, InterruptedException {
        if (created) {
            Podman.run(root, "start", name);
        } else {
            // The reconciler gets 1 GiB (its manifest: 2 GiB): two Streams threads over ~30 RocksDB stores live off the
            // heap, and the heap is 70% of the limit. At 512 MiB a survivor taking over every task, the interrupted
            // run and a full load at once let the heap grow until the container was killed (kernel: "Memory cgroup
            // out of memory"). The other services keep 512 MiB.
            String memory = module.equals("nightly-reconciler") ? "1g" : "512m";
            List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host", "--memory", memory));
            environment.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
            command.add("unsubsync/" + module + ":" + version());
            Podman.run(root, command.toArray(String[]::new));
            created = true;
        }
        awaitLive();
    }

    private void awaitLive() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(startTimeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/health/liveness")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException(name + " not live after " + startTimeout + ":\n" + Podman.run(root, "logs", "--tail", "30", name));
    }

    @Override
    public void kill() throws IOException, InterruptedException {
        Podman.run(root, "kill", "--signal", "KILL", name);
        Podman.run(root, "wait", name);
    }

    @Override
    public void stop() throws IOException, InterruptedException {
        if (!created) {
            return;
        }
        Podman.run(root, "stop", "--time", "30", name);
        Files.writeString(logs.resolve(name + ".log"), Podman.run(root, "logs", name), StandardCharsets.UTF_8);
    }

    void remove() throws IOException, InterruptedException {
        if (created) {
            Podman.run(root, "rm", "-f", name);
            created = false;
        }
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static String version() {
        String version = ClusterContainer.class.getPackage().getImplementationVersion();
        return version != null ? version : System.getProperty("project.version", "0.1.0-SNAPSHOT");
    }
}
