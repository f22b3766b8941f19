package dev.unsubsync.pusher.push;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.People;
import dev.unsubsync.pusher.people.PeopleDirectory;
import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.pusher.support.PusherConfiguration;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.testsupport.RealInfrastructureExtension;
import dev.unsubsync.testsupport.TestInfrastructure;
import dev.unsubsync.testsupport.TopicClients;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A push loop that fails unexpectedly (here: the Salesforce port throws instead of answering an outcome) is restarted
 * with backoff and says why meanwhile, instead of its thread ending while health stays UP; once the cause is gone the
 * event waiting is pushed. Real broker and registry; the loop reads {@code reconcile-pushes} under a group of its own.
 */
@ExtendWith(RealInfrastructureExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoopSupervisionTest implements TestPropertyProvider {

    @Inject
    PusherConfiguration config;
    @Inject
    KafkaClients kafka;
    @Inject
    Producers producers;
    @Inject
    PushMetrics metrics;
    @Inject
    SalesforceClient salesforceClient;
    @Inject
    PeopleDirectory people;
    @Inject
    dev.unsubsync.kit.kafka.SettingsView settingsView;

    private volatile boolean failing = true;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>(TestInfrastructure.get().micronautProperties());
        // The service's own Salesforce is never reached here: this test's loop has a Salesforce port of its own.
        properties.put("salesforce.login-url", "http://127.0.0.1:9");
        properties.put("salesforce.client-id", "unused");
        properties.put("salesforce.client-secret", "unused");
        properties.put("pusher.retry-initial-backoff", "100ms");
        properties.put("pusher.retry-max-backoff", "500ms");
        properties.put("micronaut.server.port", "-1");
        return properties;
    }

    @Test
    void aLoopThatFailsUnexpectedlyIsRestartedSaysWhyAndThenPushes() throws Exception {
        SalesforceWriter throwing = new SalesforceWriter() {
            @Override
            public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
                return new Outcome.Ok<>(updates.stream().map(u -> RecordResult.saved()).toList());
            }

            @Override
            public Outcome<Optional<String>> successor(String objectType, String id) {
                return new Outcome.Ok<>(Optional.empty());
            }

            @Override
            public Outcome<Map<String, List<PersonRecord>>> findByEmail(Collection<String> emails) {
                if (failing) {
                    throw new IllegalStateException("an answer nobody expected");
                }
                return new Outcome.Ok<>(Map.of());
            }
        };
        OptOutPusher pusher = new OptOutPusher(throwing, Clock.systemUTC(), () -> SyncSettings.newBuilder().build(), new FieldCheck(),
                Executors.newSingleThreadExecutor(), new RecentWrites(Duration.ZERO, 10), duration -> {
                }, People.NONE, true);
        PushLoop loop = new PushLoop(LoopMode.NIGHTLY, "supervision-loop", "supervision-test-" + UUID.randomUUID(),
                new LoopParts(pusher, new FieldCheck(), config, kafka, producers, metrics, salesforceClient, people, settingsView));
        String email = "supervised." + UUID.randomUUID() + "@example.com";
        UnsubscribeRecorded event = UnsubscribeRecorded.newBuilder().setEventId(UUID.randomUUID().toString()).setEmail(email)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(Instant.now()).setRecordedAt(Instant.now()).build();
        TopicClients.of(TestInfrastructure.get()).send(Topics.RECONCILE_PUSHES.name(), PersonKey.of(email), event);
        loop.start();
        try {
            String problem = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> loop.problem().orElse(""), p -> !p.isEmpty());
            assertTrue(problem.contains("supervision-loop") && problem.contains("an answer nobody expected"), problem);

            failing = false;
            OptOutPushResult result = (OptOutPushResult) TopicClients.of(TestInfrastructure.get()).readAvro(Topics.PUSH_RESULTS.name(),
                    r -> ((OptOutPushResult) r.value()).getUnsubscribeEventId().equals(event.getEventId()), 1, Duration.ofSeconds(30)).getFirst().value();
            assertEquals(PushOutcome.NO_SALESFORCE_RECORD, result.getOutcome(), "the event waited and was pushed once the loop ran again");
            await().atMost(Duration.ofSeconds(10)).until(() -> loop.problem().isEmpty());
        } finally {
            loop.stop();
        }
    }
}
