package dev.unsubsync.schemas;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where each topic's value schemas live in the registry: under the subject a Confluent client computes by itself, in the
 * registry's default group, so the Confluent-compatible API ({@code /apis/ccompat/v7/subjects}) lists every one.
 *
 * <ul>
 *   <li>A topic of {@link Topics} that carries one record type: {@code <topic>-value}, Confluent's
 *       {@code TopicNameStrategy} (every Confluent client's default, nothing to configure).</li>
 *   <li>A topic that carries several record types ({@code unsubscribe-events}), and any topic {@link Topics} does not
 *       declare (Kafka Streams' changelogs and repartitions): {@code <topic>-<full record name>}, Confluent's
 *       {@code TopicRecordNameStrategy} ({@code value.subject.name.strategy=
 *       io.confluent.kafka.serializers.subject.TopicRecordNameStrategy}). A topic we do not know may carry several
 *       types; one subject each keeps a second type from being refused as incompatible with the first.</li>
 * </ul>
 * Keys are plain strings and have no subject.
 */
public final class Subjects {

    private static final Map<String, Class<?>> VALUE_TYPES = Topics.ALL.stream().collect(Collectors.toMap(Topic::name, Topic::valueType));

    private Subjects() {
    }

    /** The subject of a value of record type {@code recordFullName} on {@code topic}. */
    public static String of(String topic, String recordFullName) {
        return singleTyped(topic) ? topic + "-value" : topic + "-" + recordFullName;
    }

    /** The subject of a value of {@code type} on {@code topic}. */
    public static String of(Topic<?, ?> topic, Class<? extends SpecificRecord> type) {
        return of(topic.name(), type.getName());
    }

    /** Whether the topic is one of ours that carries one Avro record type. */
    public static boolean singleTyped(String topic) {
        Class<?> type = VALUE_TYPES.get(topic);
        return type != null && SpecificRecord.class.isAssignableFrom(type) && type != SpecificRecord.class;
    }

    /** The registry group the Confluent-compatible API shows. */
    public static final String DEFAULT_GROUP = "default";

    /** {@link SubjectStrategy}'s class name, for {@code apicurio.registry.artifact-resolver-strategy}. */
    public static final String STRATEGY = SubjectStrategy.class.getName();
}
