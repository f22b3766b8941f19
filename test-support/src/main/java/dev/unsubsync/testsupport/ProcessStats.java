package dev.unsubsync.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory and CPU time of a process on this machine, for the benchmark harnesses' reports. */
public final class ProcessStats {

    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");

    private ProcessStats() {
    }

    /** CPU time (user and system) the process has used so far, in seconds; -1 when unknown. */
    public static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).map(d -> d.toMillis() / 1000.0).orElse(-1.0);
    }

    /** Resident set size in MiB, from {@code /proc}; -1 when unknown. */
    public static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** Java heap still used after a full collection ({@code jcmd <pid> GC.run}, then {@link #heapUsed}): what the process keeps. */
    public static String heapLive(long pid) {
        try {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), "GC.run")
                    .redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return heapUsed(pid);
    }

    /** Java heap used and committed, from {@code jcmd <pid> GC.heap_info}. */
    public static String heapUsed(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor(10, TimeUnit.SECONDS);
            Matcher m = HEAP.matcher(out);
            return m.find() ? (Long.parseLong(m.group(2)) / 1024) + " MiB of " + (Long.parseLong(m.group(1)) / 1024) + " MiB committed" : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
