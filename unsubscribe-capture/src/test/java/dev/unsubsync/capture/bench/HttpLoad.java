package dev.unsubsync.capture.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A lean HTTP/1.1 load generator for the benchmarks: {@code connections} keep-alive connections served by one selector
 * thread, one request in flight on each (a closed loop, like {@code wrk}), the latency of every answered request kept.
 * Java's {@code HttpClient} was the bottleneck of the first harness: on 2 shared cores it could not send more than a
 * few thousand requests a second, so capture was measured against its own load generator.
 */
final class HttpLoad {

    /** What a load phase saw: answers by status, the wall time, and every answered request's latency (sorted, ns). */
    record Outcome(int ok, int failed, Map<Integer, Integer> byStatus, long nanos, long[] latencies) {

        double perSecond() {
            return ok / (nanos / 1e9);
        }

        /** The latency at quantile {@code p} (0..1], in milliseconds. */
        double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1);
            return latencies[Math.max(0, index)] / 1e6;
        }
    }

    private final InetSocketAddress address;
    private final String head;
    private final IntFunction<String> bodies;
    private int nextBody;
    private long[] latencies = new long[1 << 16];
    private int answered;
    private int ok;
    private final Map<Integer, Integer> byStatus = new TreeMap<>();

    private HttpLoad(InetSocketAddress address, String path, String token, IntFunction<String> bodies) {
        this.address = address;
        this.head = "POST " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort() + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n";
        this.bodies = bodies;
    }

    /**
     * POSTs {@code bodies.apply(0)}, {@code bodies.apply(1)}, … to {@code path} over {@code connections} connections for
     * {@code duration}, then waits for the answers still due. 200 and 202 count as ok; anything else, a closed connection
     * included (status 0), as failed.
     */
    static Outcome run(InetSocketAddress address, String path, String token, int connections, Duration duration, IntFunction<String> bodies) {
        try {
            return new HttpLoad(address, path, token, bodies).drive(connections, duration);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Outcome drive(int connections, Duration duration) throws IOException {
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        long giveUp = deadline + Duration.ofSeconds(30).toNanos();
        try (Selector selector = Selector.open()) {
            int open = 0;
            for (int i = 0; i < connections; i++) {
                connect(selector);
                open++;
            }
            while (open > 0 && System.nanoTime() < giveUp) {
                selector.select(100);
                var selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    Connection connection = (Connection) key.attachment();
                    if (!connection.handle(key, deadline)) {
                        key.cancel();
                        key.channel().close();
                        if (System.nanoTime() < deadline) {
                            connect(selector);
                        } else {
                            open--;
                        }
                    }
                }
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
        }
        long elapsed = System.nanoTime() - started;
        long[] sorted = Arrays.copyOf(latencies, answered);
        Arrays.sort(sorted);
        int failed = byStatus.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 202).mapToInt(Map.Entry::getValue).sum();
        return new Outcome(ok, failed, byStatus, elapsed, sorted);
    }

    private void connect(Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(address);
        channel.register(selector, SelectionKey.OP_CONNECT, new Connection());
    }

    private void answered(int status, long nanos) {
        byStatus.merge(status, 1, Integer::sum);
        if (status == 200 || status == 202) {
            ok++;
            if (answered == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[answered++] = nanos;
        }
    }

    /** One keep-alive connection: writes a request, reads its whole answer, then the next request. */
    private final class Connection {
        private ByteBuffer out = ByteBuffer.allocate(0);
        private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        private long sentAt;
        private boolean waiting;

        /** Answers false when the connection is done (closed by the server, or the phase is over). */
        boolean handle(SelectionKey key, long deadline) throws IOException {
            SocketChannel channel = (SocketChannel) key.channel();
            try {
                if (key.isConnectable()) {
                    channel.finishConnect();
                    return send(key);
                }
                if (key.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    return true;
                }
                if (key.isReadable()) {
                    if (!in.hasRemaining()) {
                        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
                    }
                    if (channel.read(in) < 0) {
                        if (waiting) {
                            answered(0, 0);
                        }
                        return false;
                    }
                    int status = complete();
                    if (status < 0) {
                        return true;
                    }
                    answered(status, System.nanoTime() - sentAt);
                    waiting = false;
                    return System.nanoTime() < deadline && send(key);
                }
            } catch (IOException e) {
                if (waiting) {
                    answered(0, 0);
                }
                return false;
            }
            return true;
        }

        private boolean send(SelectionKey key) throws IOException {
            String body = bodies.apply(nextBody++);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            byte[] headBytes = (head + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            out = ByteBuffer.allocate(headBytes.length + bytes.length).put(headBytes).put(bytes).flip();
            in.clear();
            sentAt = System.nanoTime();
            waiting = true;
            ((SocketChannel) key.channel()).write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return true;
        }

        /** The status once the whole answer is in {@code in}, else -1. */
        private int complete() {
            byte[] data = in.array();
            int length = in.position();
            int headEnd = indexOf(data, length, 0, "\r\n\r\n");
            if (headEnd < 0) {
                return -1;
            }
            String headers = new String(data, 0, headEnd, StandardCharsets.US_ASCII);
            int status = Integer.parseInt(headers.substring(9, 12));
            int bodyStart = headEnd + 4;
            String lower = headers.toLowerCase(java.util.Locale.ROOT);
            int contentLength = lower.indexOf("\r\ncontent-length:");
            if (contentLength >= 0) {
                int end = lower.indexOf("\r\n", contentLength + 2);
                int size = Integer.parseInt(lower.substring(contentLength + 17, end < 0 ? lower.length() : end).trim());
                return length >= bodyStart + size ? status : -1;
            }
            if (lower.contains("\r\ntransfer-encoding: chunked")) {
                int at = bodyStart;
                while (true) {
                    int lineEnd = indexOf(data, length, at, "\r\n");
                    if (lineEnd < 0) {
                        return -1;
                    }
                    int size = Integer.parseInt(new String(data, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
                    at = lineEnd + 2 + size + 2;
                    if (at > length) {
                        return -1;
                    }
                    if (size == 0) {
                        return status;
                    }
                }
            }
            return status;
        }
    }

    private static int indexOf(byte[] data, int length, int from, String what) {
        outer : for (int i = from; i <= length - what.length(); i++) {
            for (int j = 0; j < what.length(); j++) {
                if (data[i + j] != what.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
