package dev.unsubsync.tool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.PersonTimeline;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code person <email>}: the person's state and timeline from {@code unsubscribe-events} and
 * {@code optout-push-results} alone, folded by {@link PersonTimeline} as capture's history store folds them, so the
 * answer is the one {@code GET /v1/unsubscribes/{person}} gives.
 */
@Command(name = "person", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A person's state and whole timeline (recorded, removed, and what Salesforce answered to each push, nightly runs' included),",
                "read from the topics alone: the same JSON as capture's GET /v1/unsubscribes/{person}."})
final class PersonCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "EMAIL", description = "the person's email address (any case)")
    String email;

    @Option(names = "--pretty", description = "indent the JSON")
    boolean pretty;

    /** One entry of the history, as capture's API shows it (empty and null fields left out, as its serializer does). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Entry(String kind, String eventId, String email, String at, String source, String provider, String origin, String reason, String topic,
            String salesforceId, String outcome, String salesforceErrorCode, String salesforceMessage, List<String> fieldsWritten) {
        static Entry of(HistoryEntry e) {
            return new Entry(e.getKind().name(), e.getEventId(), e.getEmail(), e.getAt().toString(), e.getSource(), e.getProvider(), e.getOrigin(),
                    e.getReason(), e.getTopic(), e.getSalesforceId(), e.getOutcome(), e.getSalesforceErrorCode(), e.getSalesforceMessage(),
                    e.getFieldsWritten());
        }
    }

    /** The person, as capture's API shows them (every field, null or not). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Person(String person, String email, boolean unsubscribed, List<String> topics, Entry salesforce, List<Entry> history) {
    }

    private record Item(long timestamp, int source, long offset, SpecificRecord value) {
    }

    @Override
    public void run() {
        String address = email.strip();
        if (address.isEmpty() || address.indexOf('@') < 1 || address.length() > 254) {
            throw new ParameterException(spec.commandLine(), "'" + email + "' is not an email address");
        }
        String key = PersonKey.of(address);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        WireFormat wire = new WireFormat(connection.registry());
        List<Item> items = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (TopicScan scan = new TopicScan(connection, spec.commandLine().getErr())) {
            List<Topic<?, ?>> sources = List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS);
            for (int source = 0; source < sources.size(); source++) {
                String topic = sources.get(source).name();
                List<TopicPartition> partitions = scan.partitions(topic);
                // Keyed records go where the default partitioner puts them: the same partition of both topics.
                TopicPartition partition = partitions.get(Utils.toPositive(Utils.murmur2(keyBytes)) % partitions.size());
                Map<TopicPartition, Long> from = scan.offsets(List.of(partition), null, false);
                Map<TopicPartition, Long> to = scan.offsets(List.of(partition), null, true);
                int order = source;
                scan.scan(from, to, "person: " + topic, record -> {
                    if (record.value() == null || !Arrays.equals(record.key(), keyBytes)) {
                        return;
                    }
                    try {
                        items.add(new Item(record.timestamp(), order, record.offset(), wire.decodeSpecific(record.value())));
                    } catch (WireFormat.Unreadable e) {
                        unreadable.add(record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
                    }
                });
            }
        }
        unreadable.forEach(u -> spec.commandLine().getErr().println("person: left out an unreadable record " + u));
        // Capture's Streams task takes the two topics' records by timestamp; an event before its results on a tie.
        items.sort(Comparator.comparingLong(Item::timestamp).thenComparingInt(Item::source).thenComparingLong(Item::offset));
        PersonHistory history = PersonHistory.newBuilder().build();
        for (Item item : items) {
            HistoryEntry entry = PersonTimeline.entry(item.value());
            if (entry != null) {
                history = PersonTimeline.append(history, entry);
            }
        }
        if (history.getEntries().isEmpty()) {
            throw new ToolException(ToolException.NO, "nothing was ever recorded for " + address);
        }
        PersonTimeline.State state = PersonTimeline.state(key, history);
        Person person = new Person(key, state.email(), state.unsubscribed(), state.topics(),
                state.salesforce() == null ? null : Entry.of(state.salesforce()), history.getEntries().stream().map(Entry::of).toList());
        ObjectMapper json = new ObjectMapper();
        if (pretty) {
            json.enable(SerializationFeature.INDENT_OUTPUT);
        }
        try {
            spec.commandLine().getOut().println(json.writeValueAsString(person));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
