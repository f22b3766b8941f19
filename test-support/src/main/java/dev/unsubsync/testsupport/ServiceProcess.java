package dev.unsubsync.testsupport;

import java.io.File;
import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's services run as its own JVM from its module's build output ({@code target/classes} and the
 * {@code target/runtime-classpath.txt} the build writes), configured through system properties, waited for on its
 * health endpoint. Used by the end-to-end tests and by the local launcher.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} of {@code module} and waits until {@code health} answers 200.
     *
     * @param projectRoot the folder holding the modules
     * @param properties  system properties for the service (its configuration)
     * @param jvmOptions  extra JVM options, e.g. {@code -Xmx256m}
     */
    public static ServiceProcess start(String name, Path projectRoot, String module, String mainClass, Map<String, String> properties,
            List<String> jvmOptions, Path log, URI health, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (!properties.containsKey("micronaut.environments")) {
            // A test's service: test credentials (short keys) are allowed there, as in Micronaut's own tests.
            command.add("-Dmicronaut.environments=test");
        }
        command.add("-cp");
        command.add(classpath(projectRoot.resolve(module)));
        command.add(mainClass);
        Files.createDirectories(log.getParent());
        // Appended, so a service restarted by a test keeps the story of its earlier life in the same file.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServiceProcess service = new ServiceProcess(name, process, log);
        try {
            service.awaitHealthy(health, timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** The class path a module runs with: its classes, then its runtime dependencies as the build resolved them. */
    public static String classpath(Path moduleDir) throws IOException {
        Path classes = moduleDir.resolve("target/classes");
        Path dependencies = moduleDir.resolve("target/runtime-classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(dependencies)) {
            throw new IllegalStateException(moduleDir.getFileName() + " is not built (no " + classes + " or " + dependencies
                    + "): build it first, e.g. ./mvnw -DskipTests package");
        }
        return classes + File.pathSeparator + Files.readString(dependencies).trim();
    }

    /** The project root, as Maven passes it to tests ({@code project.root}). */
    public static Path projectRoot() {
        String root = System.getProperty("project.root");
        if (root == null) {
            throw new IllegalStateException("System property project.root is not set: run tests through Maven");
        }
        return Path.of(root);
    }

    private void awaitHealthy(URI health, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start-up; last lines of " + log + ":\n" + tail());
            }
            try {
                if (http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException(name + " not healthy at " + health + " after " + timeout + "; last lines of " + log + ":\n" + tail());
    }

    /** The last lines the service printed. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends the process at once (SIGKILL), as a crash or an evicted container would: no shutdown hooks, no goodbyes. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
