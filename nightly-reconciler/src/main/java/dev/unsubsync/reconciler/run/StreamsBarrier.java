package dev.unsubsync.reconciler.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until a consumer group (the Streams application) has processed everything that was on some topics when the wait
 * began, across all its instances: its committed offsets pass the last committed data record of every partition.
 * Transaction markers at a partition's end are not records a consumer ever commits past, so the target is the last
 * data record, not the end offset.
 */
public final class StreamsBarrier {

    private final Admin admin;
    private final Map<String, Object> clientConfig;

    public StreamsBarrier(Admin admin, Map<String, Object> clientConfig) {
        this.admin = admin;
        this.clientConfig = clientConfig;
    }

    /**
     * @param cancelled checked between polls; a cancelled wait answers false
     * @return true once caught up, false on timeout or cancellation
     */
    public boolean await(String groupId, List<String> topics, Duration timeout, BooleanSupplier cancelled)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> targets = lastDataOffsets(topics);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !cancelled.getAsBoolean()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            boolean done = targets.entrySet().stream().allMatch(target -> {
                OffsetAndMetadata offset = committed.get(target.getKey());
                return target.getValue() == 0 || offset != null && offset.offset() >= target.getValue();
            });
            if (done) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Per partition, the offset after its last committed data record (0 when it holds none). */
    Map<TopicPartition, Long> lastDataOffsets(List<String> topics) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        Map<TopicPartition, Long> result = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            // read_committed: end offsets are the last stable offsets, and positions pass markers and aborted records.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, Duration.ofSeconds(10));
            List<TopicPartition> unknown = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                if (ends.get(partition) <= begins.get(partition)) {
                    result.put(partition, 0L);
                } else {
                    unknown.add(partition);
                }
            }
            // Read the tail of every partition at once, from a window before its end that grows until a data record shows.
            long window = 16;
            while (!unknown.isEmpty()) {
                consumer.assign(unknown);
                for (TopicPartition partition : unknown) {
                    consumer.seek(partition, Math.max(begins.get(partition), ends.get(partition) - window));
                }
                Map<TopicPartition, Long> last = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && unknown.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        last.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
                    }
                }
                List<TopicPartition> next = new ArrayList<>();
                for (TopicPartition partition : unknown) {
                    if (last.containsKey(partition)) {
                        result.put(partition, last.get(partition));
                    } else if (ends.get(partition) - window <= begins.get(partition)) {
                        result.put(partition, 0L);
                    } else {
                        next.add(partition);
                    }
                }
                unknown = next;
                window *= 16;
            }
        }
        return result;
    }
}
