package dev.unsubsync.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.kit.kafka.TopicProvisioner;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topics are what `Topics` declares: a wrong setting is set back, a wrong partition count refuses to start. Real broker. */
@ExtendWith(RealInfrastructureExtension.class)
class TopicChecksTest {

    @Test
    void aTopicWithOtherPartitionsIsRefusedNamingItAndAWrongSettingIsSetBack() throws Exception {
        String name = "checked-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.get().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty()).configs(Map.of("retention.ms", "1000")))).all().get();

            Topic<String, byte[]> declaredSix = new Topic<>(name, String.class, byte[].class, 6, Map.of("retention.ms", "-1"));
            TopicProvisioner.TopicMismatchException refused = assertThrows(TopicProvisioner.TopicMismatchException.class,
                    () -> TopicProvisioner.ensure(admin, List.of(declaredSix), Duration.ofSeconds(30)));
            assertTrue(refused.getMessage().contains(name + " has 1 partition(s), 6 declared"), refused.getMessage());

            Topic<String, byte[]> declaredOne = new Topic<>(name, String.class, byte[].class, 1, Map.of("retention.ms", "-1"));
            TopicProvisioner.ensure(admin, List.of(declaredOne), Duration.ofSeconds(30));
            String retention = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name))).all().get()
                    .values().iterator().next().get("retention.ms").value();
            assertEquals("-1", retention, "the declared retention is set back");
        }
    }
}
