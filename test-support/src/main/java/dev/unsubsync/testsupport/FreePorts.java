package dev.unsubsync.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Free ports on 127.0.0.1 for servers a test starts as processes, taken below the kernel's ephemeral range (32768 and up
 * on Linux). A port the kernel hands out as free ({@code new ServerSocket(0)}) is ephemeral: between the test closing it
 * and the service binding it, any outgoing connection on the machine may be given it (a service then fails with "port
 * already in use"). Ports below the range are never handed out that way. Each call moves on to ports not handed out
 * before by this JVM; the starting point depends on the process id. Test JVMs run side by side (Surefire's forks,
 * Maven's parallel modules), so a port is only handed out with a lock on its file under {@code /tmp/unsubsync-ports},
 * held until the JVM exits: no two test JVMs on the machine are ever given the same port.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final Path LOCKS = Path.of("/tmp", "unsubsync-ports");
    private static final List<FileLock> HELD = new ArrayList<>();
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
            if (allFree(base, count) && claim(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " free ports in a row between " + FIRST + " and " + LAST);
    }

    /** One free port. */
    public static int one() {
        return block(1);
    }

    /** Locks each port's file for the life of this JVM; false, with nothing kept, when another JVM holds one of them. */
    private static boolean claim(int base, int count) {
        List<FileLock> locks = new ArrayList<>();
        try {
            Files.createDirectories(LOCKS);
            for (int port = base; port < base + count; port++) {
                FileChannel file = FileChannel.open(LOCKS.resolve(String.valueOf(port)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = file.tryLock();
                } catch (OverlappingFileLockException heldHere) {
                    lock = null;
                }
                if (lock == null) {
                    file.close();
                    release(locks);
                    return false;
                }
                locks.add(lock);
            }
        } catch (IOException e) {
            release(locks);
            throw new UncheckedIOException("Could not lock ports under " + LOCKS, e);
        }
        HELD.addAll(locks);
        return true;
    }

    private static void release(List<FileLock> locks) {
        for (FileLock lock : locks) {
            try {
                lock.channel().close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
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
