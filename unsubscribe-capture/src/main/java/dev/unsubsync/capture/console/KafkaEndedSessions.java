package dev.unsubsync.capture.console;

import dev.unsubsync.capture.api.KafkaEventPublisher;
import dev.unsubsync.events.ConsoleSessionEnded;
import dev.unsubsync.kit.kafka.CompactedView;
import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-out console sessions, as {@link Topics#CONSOLE_SESSIONS_ENDED} holds them: followed from its beginning by every
 * instance, so a logout on one holds on all. Until the topic has been read once, every session counts as ended (a
 * console that cannot tell must not let a logged-out session back in); API keys are unaffected.
 */
@Singleton
public class KafkaEndedSessions implements EndedSessions, AutoCloseable {

    private final Map<String, Instant> ended = new ConcurrentHashMap<>();
    private final CompactedView view;
    private final KafkaEventPublisher publisher;
    private final Clock clock;

    public KafkaEndedSessions(KafkaClients clients, KafkaEventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
        this.view = new CompactedView("console-sessions-view", Topics.CONSOLE_SESSIONS_ENDED, clients.config(), (id, value) -> {
            if (value instanceof ConsoleSessionEnded end) {
                ended.put(id, end.getExpiresAt());
            } else if (value == null) {
                ended.remove(id);
            }
        }, () -> {
        });
    }

    @Override
    public boolean ended(String sessionId) {
        if (!view.caughtUp()) {
            return true;
        }
        Instant now = clock.instant();
        // Expired entries are of no use: the session they name is refused for its age anyway.
        ended.values().removeIf(expires -> expires.isBefore(now));
        return ended.containsKey(sessionId);
    }

    @Override
    public void end(String sessionId, String keyName, Instant expires) {
        publisher.publishSessionEnded(ConsoleSessionEnded.newBuilder().setSessionId(sessionId).setKeyName(keyName)
                .setEndedAt(clock.instant()).setExpiresAt(expires).build());
        ended.put(sessionId, expires);
    }

    @Override
    @PreDestroy
    public void close() {
        view.close();
    }
}
