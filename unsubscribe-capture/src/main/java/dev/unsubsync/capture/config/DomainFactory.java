package dev.unsubsync.capture.config;

import dev.unsubsync.capture.domain.AdminSessions;
import dev.unsubsync.capture.domain.EndedSessions;
import dev.unsubsync.capture.domain.EventPublisher;
import dev.unsubsync.capture.domain.OneClickTokens;
import dev.unsubsync.capture.domain.PeerCredential;
import dev.unsubsync.capture.domain.RateLimits;
import dev.unsubsync.capture.domain.SettingsService;
import dev.unsubsync.capture.domain.UnsubscribeRecorder;
import dev.unsubsync.capture.kafka.KafkaEventPublisher;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

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
                return view.awaitCaughtUp(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    @Singleton
    RateLimits rateLimits(CaptureTuning.KeyRate rate) {
        return new RateLimits(rate.perSecond(), rate.burst(), System::nanoTime);
    }

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @io.micronaut.context.annotation.Context
    ApiKeys apiKeys(CaptureConfiguration config, Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    @Singleton
    AdminSessions adminSessions(CaptureConfiguration config, ApiKeys keys, Clock clock,
                                                             EndedSessions ended) {
        return new AdminSessions(keys, config.getOneClickSecret(), config.getAdminSessionTtl(), clock, ended);
    }

    @Singleton
    PeerCredential peerCredential(CaptureConfiguration config, Clock clock) {
        return new PeerCredential(config.getOneClickSecret(), clock);
    }

    @Singleton
    OneClickTokens oneClickTokens(CaptureConfiguration config) {
        return new OneClickTokens(config.getOneClickSecret());
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
        return new ServiceTopics("unsubscribe-capture", List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.SETTINGS,
                Topics.WEBHOOK_DEAD_LETTERS, Topics.CONSOLE_SESSIONS_ENDED, Topics.UNSUBSCRIBE_REQUESTS, Topics.UNSUBSCRIBE_REQUESTS_DLT),
                SchemaWarmup.valuesOf(List.of(Topics.SETTINGS, Topics.CONSOLE_SESSIONS_ENDED),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.getClassSchema()),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRemoved.getClassSchema())),
                "requests answer 503 until Kafka is reachable");
    }
}
