package dev.unsubsync.capture.config;

import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.schemas.Topics;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.capture.domain.EventPublisher;
import dev.unsubsync.capture.domain.SettingsService;
import dev.unsubsync.capture.kafka.KafkaEventPublisher;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.capture.domain.UnsubscribeRecorder;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the framework-free domain services. */
@Factory
public class DomainFactory {

    @Singleton
    SettingsService settingsService(SettingsView view, KafkaEventPublisher publisher, Clock clock) {
        return new SettingsService(view::current, settings -> {
            publisher.publishSettings(settings);
            view.accept(settings);
        }, clock, () -> {
            try {
                // Just started, the view is reading the topic: a moment's wait beats a 503.
                return view.awaitCaughtUp(java.time.Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    @Singleton
    dev.unsubsync.capture.domain.RateLimits rateLimits(@io.micronaut.context.annotation.Value("${capture.rate-limit.per-second:20000}") double perSecond,
                                                       @io.micronaut.context.annotation.Value("${capture.rate-limit.burst:40000}") double burst) {
        return new dev.unsubsync.capture.domain.RateLimits(perSecond, burst, System::nanoTime);
    }

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @io.micronaut.context.annotation.Context
    dev.unsubsync.kit.security.ApiKeys apiKeys(CaptureConfiguration config, io.micronaut.context.env.Environment environment) {
        return dev.unsubsync.kit.security.ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    @Singleton
    dev.unsubsync.capture.domain.AdminSessions adminSessions(CaptureConfiguration config, dev.unsubsync.kit.security.ApiKeys keys, java.time.Clock clock,
                                                             dev.unsubsync.capture.domain.EndedSessions ended) {
        return new dev.unsubsync.capture.domain.AdminSessions(keys, config.getOneClickSecret(), config.getAdminSessionTtl(), clock, ended);
    }

    @Singleton
    dev.unsubsync.capture.domain.PeerCredential peerCredential(CaptureConfiguration config, java.time.Clock clock) {
        return new dev.unsubsync.capture.domain.PeerCredential(config.getOneClickSecret(), clock);
    }

    @Singleton
    dev.unsubsync.capture.domain.OneClickTokens oneClickTokens(CaptureConfiguration config) {
        return new dev.unsubsync.capture.domain.OneClickTokens(config.getOneClickSecret());
    }

    @Singleton
    UnsubscribeRecorder unsubscribeRecorder(EventPublisher publisher, Clock clock, CaptureConfiguration config) {
        return new UnsubscribeRecorder(publisher, clock, config.getMaxClockSkew());
    }

    /**
     * The topics capture writes to, and the one its history store reads ({@code optout-push-results}): before the server
     * starts, so the history store finds them co-partitioned; and the schemas it writes.
     */
    @Singleton
    ServiceTopics topics() {
        return new ServiceTopics("unsubscribe-capture", java.util.List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.SETTINGS,
                Topics.WEBHOOK_DEAD_LETTERS, Topics.CONSOLE_SESSIONS_ENDED, Topics.UNSUBSCRIBE_REQUESTS, Topics.UNSUBSCRIBE_REQUESTS_DLT),
                SchemaWarmup.valuesOf(java.util.List.of(Topics.SETTINGS, Topics.CONSOLE_SESSIONS_ENDED),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.getClassSchema()),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRemoved.getClassSchema())),
                "requests answer 503 until Kafka is reachable");
    }
}
