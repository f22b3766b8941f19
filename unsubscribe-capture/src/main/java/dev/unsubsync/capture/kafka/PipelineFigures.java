package dev.unsubsync.capture.kafka;

import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Value;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The pusher's figures as Kafka holds them, for the admin console: how many unsubscribes it has yet to read (lag of its
 * group on {@code unsubscribe-events}), how many wait parked for a field, and how many were dead-lettered. Read from the
 * brokers, so they are right whether or not the pusher is up.
 */
@Singleton
public class PipelineFigures {

    /** The figures; -1 where Kafka did not answer. */
    @Serdeable
    public record Figures(long lag, long parked, long deadLettered) {
    }

    private final Admin admin;
    private final String pusherGroup;

    public PipelineFigures(KafkaClients kafka, @Value("${capture.pusher-group-id:salesforce-pusher}") String pusherGroup) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", kafka.config().get("bootstrap.servers"));
        config.put("default.api.timeout.ms", 5000);
        config.put("request.timeout.ms", 5000);
        this.admin = Admin.create(config);
        this.pusherGroup = pusherGroup;
    }

    public Figures figures() {
        return new Figures(behind(pusherGroup, Topics.UNSUBSCRIBE_EVENTS.name()), behind(pusherGroup + "-parked", Topics.PUSH_PARKED.name()),
                held(Topics.PUSH_DEAD_LETTERS.name()));
    }

    /** Records on {@code topic} that {@code group} has not committed past (all of them when it never committed). */
    private long behind(String group, String topic) {
        try {
            Map<TopicPartition, Long> ends = offsets(topic, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(topic, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                long from = at == null ? starts.get(end.getKey()) : at.offset();
                behind += Math.max(0, end.getValue() - from);
            }
            return behind;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Records held on {@code topic} (end minus start offsets). */
    private long held(String topic) {
        try {
            Map<TopicPartition, Long> ends = offsets(topic, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(topic, OffsetSpec.earliest());
            return ends.entrySet().stream().mapToLong(e -> e.getValue() - starts.get(e.getKey())).sum();
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws ExecutionException, InterruptedException, TimeoutException {
        int partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            wanted.put(new TopicPartition(topic, p), spec);
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(wanted).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    @PreDestroy
    void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
