package dev.unsubsync.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free ports on 127.0.0.1 for servers a test starts as processes, taken below the kernel's ephemeral range (32768 and up
 * on Linux). A port the kernel hands out as free ({@code new ServerSocket(0)}) is ephemeral: between the test closing it
 * and the service binding it, any outgoing connection on the machine may be given it (a service then fails with "port
 * already in use"). Ports below the range are never handed out that way. Each call moves on to ports not handed out
 * before by this JVM; the starting point depends on the process id, so two test JVMs seldom start at the same place.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static int next = FIRST + (int) (ProcessHandle.current().pid() % 600) * 20;

    private FreePorts() {
    }

    /** The first of {@code count} consecutive ports that are all free now. */
    public static synchronized int block(int count) {
        for (int tried = 0; tried < LAST - FIRST; tried += count) {
            int base = next;
            next += count;
            if (next + count > LAST) {
                next = FIRST;
            }
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " free ports in a row between " + FIRST + " and " + LAST);
    }

    /** One free port. */
    public static int one() {
        return block(1);
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
