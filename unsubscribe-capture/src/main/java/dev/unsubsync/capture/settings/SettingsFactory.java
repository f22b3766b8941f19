package dev.unsubsync.capture.settings;

import dev.unsubsync.capture.api.KafkaEventPublisher;
import dev.unsubsync.kit.kafka.SettingsView;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Wires the settings rules to the settings topic: a change is published, then taken into the view at once. */
@Factory
public class SettingsFactory {

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
}
