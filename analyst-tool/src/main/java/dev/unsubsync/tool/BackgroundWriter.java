package dev.unsubsync.tool;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes filled buffers to an output stream on a thread of its own, so a dump formats the next records while the
 * kernel copies the last ones into a file (half the time of a dump to disk was that copy). Buffers go back and forth:
 * {@link #swap} hands a full one over and returns an empty one; at most four wait, so memory stays bounded. A write
 * that fails is rethrown by the next {@link #swap} or by {@link #close}.
 */
final class BackgroundWriter implements AutoCloseable {

    private record Chunk(byte[] bytes, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final OutputStream out;
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(4);
    private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(6);
    private final Thread thread;
    private volatile IOException failure;
    private boolean reported;

    BackgroundWriter(OutputStream out) {
        this.out = out;
        this.thread = Thread.ofPlatform().name("dump-writer").daemon().start(this::writeAll);
    }

    private void writeAll() {
        try {
            for (Chunk chunk = full.take(); chunk != END; chunk = full.take()) {
                if (failure == null) {
                    try {
                        out.write(chunk.bytes(), 0, chunk.length());
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                empty.offer(chunk.bytes());
            }
            if (failure == null) {
                out.flush();
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues {@code length} bytes of {@code bytes} for writing; returns a buffer to fill next (never {@code bytes}). */
    byte[] swap(byte[] bytes, int length) throws IOException {
        rethrow();
        try {
            full.put(new Chunk(bytes, length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        }
        byte[] next = empty.poll();
        if (next == bytes) {
            // Already written and handed back (the writer was quicker than this poll): free, but the caller was promised
            // another one, so this one leaves the pool.
            next = empty.poll();
        }
        return next != null && next.length >= bytes.length ? next : new byte[bytes.length];
    }

    /** Throws a write's failure once: {@link #close} after a failed {@link #swap} must not throw it again. */
    private void rethrow() throws IOException {
        IOException failed = failure;
        if (failed != null && !reported) {
            reported = true;
            throw failed;
        }
    }

    /** Waits until every queued buffer is written and flushed; the stream itself stays open. */
    @Override
    public void close() throws IOException {
        try {
            full.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        }
        rethrow();
    }
}
