package dev.unsubsync.tool;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a topic's partitions from a start position to an end fixed when the scan begins (so a scan of a busy topic
 * ends), outside any consumer group: nothing is committed and nothing is written.
 */
public final class TopicScan implements AutoCloseable {

    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final PrintWriter progress;

    public TopicScan(Connection connection, PrintWriter progress) {
        this.consumer = new KafkaConsumer<>(connection.consumerConfig());
        this.bootstrapServers = connection.bootstrapServers();
        this.progress = progress;
    }

    /** The topic's partitions; an error naming the topics there are when it does not exist. */
    public List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        } catch (TimeoutException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "Kafka at " + bootstrapServers + " did not answer within 15 s");
        }
        if (infos == null || infos.isEmpty()) {
            List<String> topics;
            try {
                topics = consumer.listTopics(Duration.ofSeconds(15)).keySet().stream().filter(t -> !t.startsWith("_")).sorted().toList();
            } catch (TimeoutException e) {
                throw new ToolException(ToolException.UNAVAILABLE, "Kafka at " + bootstrapServers + " did not answer within 15 s");
            }
            throw new ToolException(2, "there is no topic " + topic + " on " + bootstrapServers + "; there are: " + String.join(", ", topics));
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
    }

    /** The first offset of each partition at or after {@code position}; {@code null} for the beginning. */
    public Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, Position position, boolean end) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        switch (position) {
            case null -> partitions.forEach(tp -> offsets.put(tp, end ? ends.get(tp) : beginnings.get(tp)));
            case Position.Offset o -> partitions.forEach(tp -> offsets.put(tp, Math.max(beginnings.get(tp), Math.min(ends.get(tp), o.offset()))));
            case Position.Time t -> {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, t.at().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                partitions.forEach(tp -> offsets.put(tp, found.get(tp) == null ? ends.get(tp) : found.get(tp).offset()));
            }
        }
        return offsets;
    }

    /** Reads every record from {@code from} (inclusive) to {@code to} (exclusive), in offset order per partition. */
    public long scan(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, String label, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        return scanBatches(from, to, label, batch -> batch.forEach(each));
    }

    /**
     * Fetching runs on a thread of its own, up to eight batches ahead of the caller's work (decompressing and parsing
     * records is a third of a dump's time; the two overlap on two cores). The consumer is touched by that thread only
     * while the scan runs; the caller's code runs on the caller's thread, in order.
     */
    private long scanBatches(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, String label, BatchSink sink) {
        BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> batches = new ArrayBlockingQueue<>(8);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread fetcher = Thread.ofPlatform().name("scan-fetcher").daemon().start(() -> {
            try {
                fetch(from, to, label, batches, stop);
            } catch (RuntimeException | Error e) {
                failure.set(e);
            } finally {
                putQuietly(batches, END, stop);
            }
        });
        long read = 0;
        try {
            for (List<ConsumerRecord<byte[], byte[]>> batch = take(batches); batch != END; batch = take(batches)) {
                sink.accept(batch);
                read += batch.size();
            }
        } finally {
            stop.set(true);
            batches.clear();
            try {
                fetcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        switch (failure.get()) {
            case null -> {
                return read;
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure.get());
        }
    }

    private static final List<ConsumerRecord<byte[], byte[]>> END = List.of();

    private static List<ConsumerRecord<byte[], byte[]>> take(BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> batches) {
        try {
            return batches.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.UNAVAILABLE, "interrupted");
        }
    }

    /** Waits for room unless the reader has stopped (then nobody takes it). */
    private static void putQuietly(BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> batches, List<ConsumerRecord<byte[], byte[]>> batch,
            AtomicBoolean stop) {
        try {
            while (!stop.get() && !batches.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                // The reader is busy; wait for room.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fetch(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, String label,
            BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> batches, AtomicBoolean stop) {
        List<TopicPartition> open = new ArrayList<>();
        long total = 0;
        for (Map.Entry<TopicPartition, Long> start : from.entrySet()) {
            long stopAt = to.get(start.getKey());
            if (stopAt > start.getValue()) {
                open.add(start.getKey());
                total += stopAt - start.getValue();
            }
        }
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, from.get(tp)));
        long read = 0;
        long lastReport = System.nanoTime();
        long lastProgress = System.nanoTime();
        while (!open.isEmpty() && !stop.get()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                long stopAt = to.get(tp);
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    if (record.offset() < stopAt) {
                        batch.add(record);
                    }
                }
            }
            if (!batch.isEmpty()) {
                putQuietly(batches, batch, stop);
                read += batch.size();
            }
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            List<TopicPartition> done = open.stream().filter(tp -> consumer.position(tp) >= to.get(tp)).toList();
            if (!done.isEmpty()) {
                open.removeAll(done);
                consumer.assign(open);
            }
            long now = System.nanoTime();
            if (progress != null && total > 50_000 && now - lastReport > 2_000_000_000L) {
                progress.printf("%s: %,d of about %,d records (%d%%)%n", label, read, total, total == 0 ? 100 : read * 100 / total);
                lastReport = now;
            }
            if (now - lastProgress > STALL.toNanos()) {
                throw new ToolException(ToolException.UNAVAILABLE, label + ": nothing read for " + STALL.toSeconds() + " s with " + open
                        + " unfinished; is Kafka at " + bootstrapServers + " up?");
            }
        }
    }

    /** The whole of a topic as it is now. */
    public long scanAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = partitions(topic);
        return scan(offsets(partitions, null, false), offsets(partitions, null, true), topic, each);
    }

    private interface BatchSink {
        void accept(List<ConsumerRecord<byte[], byte[]>> batch);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
