package dev.unsubsync.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** podman, with the project's {@code deploy/images/containers.conf} (runc, cgroupfs, bounded ulimits: see there). */
public final class Podman {

    private Podman() {
    }

    /** Runs {@code podman arguments...}; its output, or an {@link IllegalStateException} naming what failed. */
    public static String run(Path projectRoot, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putIfAbsent("CONTAINERS_CONF", projectRoot.resolve("deploy/images/containers.conf").toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("podman is needed to run the images (apt-get install podman runc): " + e.getMessage(), e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("podman " + String.join(" ", arguments) + " failed: " + out);
        }
        return out;
    }
}
