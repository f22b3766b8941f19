package dev.unsubsync.capture.config;

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
}
