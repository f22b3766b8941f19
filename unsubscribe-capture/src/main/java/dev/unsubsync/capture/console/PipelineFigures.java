package dev.unsubsync.capture.console;

import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.schemas.Topics;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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

    public PipelineFigures(KafkaClients kafka, CaptureConfiguration configuration) {
        Map<String, Object> config = new HashMap<>(kafka.adminConfig());
        config.put("default.api.timeout.ms", 5000);
        config.put("request.timeout.ms", 5000);
        this.admin = Admin.create(config);
        this.pusherGroup = configuration.getPusherGroupId();
    }

    /** The figures, from one look at the three topics' offsets and two at the pusher's committed offsets. */
    public Figures figures() {
        String events = Topics.UNSUBSCRIBE_EVENTS.name();
        String parked = Topics.PUSH_PARKED.name();
        String deadLetters = Topics.PUSH_DEAD_LETTERS.name();
        Offsets offsets;
        try {
            offsets = offsets(List.of(events, parked, deadLetters));
        } catch (ExecutionException | TimeoutException e) {
            return new Figures(-1, -1, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Figures(-1, -1, -1);
        }
        return new Figures(behind(pusherGroup, events, offsets), behind(pusherGroup + "-parked", parked, offsets), offsets.held(deadLetters));
    }

    /** Each partition's first and next offset. */
    private record Offsets(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        long held(String topic) {
            return ends.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)).mapToLong(e -> e.getValue() - starts.get(e.getKey())).sum();
        }
    }

    /** Records on {@code topic} that {@code group} has not committed past (all of them when it never committed); -1 if unknown. */
    private long behind(String group, String topic, Offsets offsets) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : offsets.ends().entrySet()) {
            if (end.getKey().topic().equals(topic)) {
                OffsetAndMetadata at = committed.get(end.getKey());
                long from = at == null ? offsets.starts().get(end.getKey()) : at.offset();
                behind += Math.max(0, end.getValue() - from);
            }
        }
        return behind;
    }

    private Offsets offsets(List<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).forEach((topic, description) -> description.partitions().forEach(p -> {
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }));
        Map<TopicPartition, Long> starts = new HashMap<>();
        admin.listOffsets(earliest).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> starts.put(tp, info.offset()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return new Offsets(starts, ends);
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
