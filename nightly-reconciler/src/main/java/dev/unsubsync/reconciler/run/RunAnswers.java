package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.reconciler.diff.ReconcileTopology;
import dev.unsubsync.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the diff's tasks and the pusher answered to this pass, read from the ends the topics had before it asked. */
final class RunAnswers implements RunSequence.Answers {
    private final String pass;
    private final KafkaConsumer<String, Object> consumer;
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, Long> failures = new TreeMap<>();
    private final Map<String, EnumSet<PushOutcome>> pushes = new HashMap<>();
    private int partitionsDone;
    private long written;

    RunAnswers(String pass, KafkaClients kafka) {
        this.pass = pass;
        Map<String, Object> config = new HashMap<>(kafka.config());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        List<TopicPartition> partitions = new ArrayList<>();
        partitions.add(new TopicPartition(Topics.RECONCILE_TALLIES.name(), 0));
        for (int p = 0; p < Topics.PUSH_RESULTS.partitions(); p++) {
            partitions.add(new TopicPartition(Topics.PUSH_RESULTS.name(), p));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Fix the starting points now, before anything is asked: seekToEnd alone is lazy.
        partitions.forEach(partition -> consumer.position(partition, Duration.ofSeconds(10)));
    }

    @Override
    public void poll() {
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() instanceof ReconcileTally tally && pass.equals(tally.getRunId())) {
                tally.getCounts().forEach((name, count) -> counts.merge(name, count, Long::sum));
                if (tally.getStep() == TallyStep.DIFF_PARTITION) {
                    partitionsDone++;
                }
            } else if (record.value() instanceof OptOutPushResult result && pass.equals(runOf(record))) {
                EnumSet<PushOutcome> seen = pushes.computeIfAbsent(result.getUnsubscribeEventId(), id -> EnumSet.noneOf(PushOutcome.class));
                if (seen.add(result.getOutcome())) {
                    switch (result.getOutcome()) {
                        case WRITTEN -> written++;
                        case PARKED -> failures.merge("PARKED: " + String.valueOf(result.getSalesforceMessage()), 1L, Long::sum);
                        case REJECTED -> failures.merge(String.valueOf(result.getSalesforceErrorCode()), 1L, Long::sum);
                        default -> failures.merge(result.getOutcome().name(), 1L, Long::sum);
                    }
                }
            }
        }
    }

    @Override
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    @Override
    public long pushesAnswered() {
        return pushes.size();
    }

    @Override
    public long salesSideHandled() {
        return count(ReconcileTopology.RECORDED) + count(ReconcileTopology.ALREADY_BY_EMAIL);
    }

    @Override
    public int partitionsDone() {
        return partitionsDone;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public Map<String, Long> failures() {
        return failures;
    }

    private static String runOf(ConsumerRecord<String, Object> record) {
        Header header = record.headers().lastHeader(Topics.RUN_ID_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        } catch (InterruptException e) {
            // Closing while cancelled: the consumer is closed anyway; keep the interrupt for the caller.
            Thread.currentThread().interrupt();
        }
    }
}
