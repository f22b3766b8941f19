package dev.unsubsync.tool;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replay --from TIME --group G}: moves a consumer group's committed offsets back (or forward) to the first
 * records written at TIME, so it reads them again. Only while the group has no members; a dry run unless
 * {@code --execute}. For the pusher this re-pushes what was recorded since TIME: harmless, since only {@code true} is
 * ever written.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Moves a consumer group (e.g. salesforce-pusher) to the first records written at or after TIME, so it reads them again.",
                "Refuses while the group has members (stop or scale its service to 0 first). Prints what would be re-read; changes nothing",
                "unless --execute."})
final class ReplayCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "the consumer group, e.g. salesforce-pusher")
    String group;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = Position.InstantConverter.class,
            description = "2026-12-01T08:30:00Z (or with an offset), or a day (midnight UTC)")
    Instant from;

    @Option(names = "--topic", paramLabel = "TOPIC", split = ",",
            description = "only these topics (default: every topic the group has committed offsets on)")
    List<String> topics;

    @Option(names = "--execute", description = "move the offsets (without it: a dry run)")
    boolean execute;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(connection.adminConfig())) {
            ConsumerGroupDescription description = describe(admin);
            Collection<MemberDescription> members = description.members();
            if (!members.isEmpty()) {
                List<String> who = members.stream().map(m -> m.clientId() + "@" + m.host()).sorted().toList();
                throw new ToolException(ToolException.NO, "group " + group + " has " + members.size() + " active member(s) (" + String.join(", ", who)
                        + "): stop its service (or scale it to 0) first; a group's offsets can be moved only while it is empty");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            if (topics == null) {
                partitions.addAll(committed.keySet());
                if (partitions.isEmpty()) {
                    throw new ToolException(ToolException.NO, "group " + group + " has no committed offsets; name the topics with --topic");
                }
            } else {
                for (String topic : topics) {
                    var found = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
                    found.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
            }
            partitions.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
            Map<TopicPartition, OffsetSpec> atTime = new HashMap<>();
            Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
            partitions.forEach(tp -> {
                atTime.put(tp, OffsetSpec.forTimestamp(from.toEpochMilli()));
                atEnd.put(tp, OffsetSpec.latest());
            });
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(atTime).all().get(15, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(atEnd).all().get(15, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> target = new LinkedHashMap<>();
            long again = 0;
            long skipped = 0;
            String line = "%-40s %12s %12s %12s%n";
            out.printf(line, "PARTITION", "COMMITTED", "NEW", "RE-READ");
            for (TopicPartition tp : partitions) {
                long to = found.get(tp).offset() >= 0 ? found.get(tp).offset() : ends.get(tp).offset();
                OffsetAndMetadata now = committed.get(tp);
                long current = now == null ? -1 : now.offset();
                long delta = current < 0 ? ends.get(tp).offset() - to : current - to;
                if (delta >= 0) {
                    again += delta;
                } else {
                    skipped -= delta;
                }
                out.printf(line, tp, current < 0 ? "-" : String.valueOf(current), to, delta >= 0 ? String.valueOf(delta) : "skips " + -delta);
                target.put(tp, new OffsetAndMetadata(to, "replay from " + from + " by unsubsync-tool"));
            }
            out.printf("%s: %,d records will be read again%s, from %s on %s%n", group, again, skipped > 0 ? ", " + skipped + " skipped" : "", from,
                    String.join(", ", new TreeSet<>(partitions.stream().map(TopicPartition::topic).toList())));
            if (!execute) {
                out.println("dry run: nothing changed; add --execute to move the group");
                return;
            }
            admin.alterConsumerGroupOffsets(group, target).all().get(30, TimeUnit.SECONDS);
            out.println("moved: " + group + " will read from these offsets when its service starts");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new ToolException(2, "no such topic: " + cause.getMessage());
            }
            if (cause instanceof UnknownMemberIdException
                    || cause instanceof GroupNotEmptyException) {
                throw new ToolException(ToolException.NO, "group " + group + " gained members meanwhile; nothing was moved (" + cause.getMessage() + ")");
            }
            throw new ToolException(ToolException.UNAVAILABLE, "Kafka at " + connection.bootstrapServers() + ": " + cause);
        } catch (TimeoutException e) {
            throw new ToolException(ToolException.UNAVAILABLE, "Kafka at " + connection.bootstrapServers() + " did not answer within 15 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ToolException.UNAVAILABLE, "interrupted");
        }
    }

    private ConsumerGroupDescription describe(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(15, TimeUnit.SECONDS).get(group);
            if (description.groupState() != null && description.groupState().toString().equals("DEAD")) {
                throw new ToolException(ToolException.NO, "there is no consumer group " + group + " (known: " + known(admin) + ")");
            }
            return description;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                throw new ToolException(ToolException.NO, "there is no consumer group " + group + " (known: " + known(admin) + ")");
            }
            throw e;
        }
    }

    private static String known(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Collection<GroupListing> groups = admin.listGroups().all().get(15, TimeUnit.SECONDS);
        return String.join(", ", new TreeSet<>(groups.stream().map(GroupListing::groupId).toList()));
    }
}
