package dev.unsubsync.pusher.people;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.schemas.EventClasses;
import dev.unsubsync.schemas.Topic;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A followed compacted topic (the people directory, the settings, ended console sessions) that an error stops says so —
 * it is no longer "caught up" — and reads on from the record it stopped at once the cause is gone, instead of freezing
 * stale for good while reporting itself current. Real broker and registry.
 */
@ExtendWith(RealInfrastructureExtension.class)
class CompactedViewRecoveryTest {

    @Test
    void aViewStoppedByAnErrorReportsNotCaughtUpAndReadsOnFromWhereItStopped() throws Exception {
        EventClasses.trust();
        TestInfrastructure infrastructure = TestInfrastructure.get();
        Topic<String, SalesforcePeople> topic = new Topic<>("view-recovery-" + UUID.randomUUID(), String.class, SalesforcePeople.class, 1,
                Map.of("cleanup.policy", "compact"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic.name(), 1, (short) 1).configs(topic.config()))).all().get();
        }
        TopicClients clients = TopicClients.of(infrastructure);
        clients.send(topic.name(), "ada", entry());

        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger();
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", infrastructure.bootstrapServers());
        config.put("apicurio.registry.url", infrastructure.registry().apiUrl());
        try (CompactedView view = new CompactedView("recovery-test", topic, config, (key, value) -> {
            if (key.equals("grace") && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("the service's callback failed on grace");
            }
            applied.add(key);
        }, () -> {
        })) {
            await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);

            failuresLeft.set(2);
            clients.send(topic.name(), "grace", entry());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> !view.caughtUp());
            assertTrue(view.failure().orElseThrow().contains("failed on grace"), view.failure().toString());

            clients.send(topic.name(), "katherine", entry());
            await().atMost(Duration.ofSeconds(30)).until(() -> view.caughtUp() && applied.contains("katherine"));
            assertEquals(List.of("ada", "grace", "katherine"), applied, "each record applied once, in order, none skipped");
            assertTrue(view.failure().isEmpty());
        }
    }

    private static SalesforcePeople entry() {
        return SalesforcePeople.newBuilder().setRecords(List.of()).setUpdatedAt(Instant.now()).build();
    }
}
