package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.Topic;
import java.util.List;

/**
 * What a service declares about the topics it uses, for {@link TopicSetup}: which it provisions and checks at start-up,
 * which schemas it writes (registered at start-up), and what waits while Kafka cannot be reached.
 *
 * @param service     the service's name, for log lines
 * @param provisioned the topics created when missing and checked (partitions, compaction, retention)
 * @param written     the schemas the service writes
 * @param meanwhile   what happens while Kafka is unreachable at start-up, for the log ("requests answer 503 …")
 */
public record ServiceTopics(String service, List<Topic<?, ?>> provisioned, List<SchemaWarmup.Written> written, String meanwhile) {
}
