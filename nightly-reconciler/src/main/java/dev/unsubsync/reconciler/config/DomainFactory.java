package dev.unsubsync.reconciler.config;

import dev.unsubsync.reconciler.kafka.KafkaSettings;
import dev.unsubsync.schemas.SettingsView;
import dev.unsubsync.security.ApiKeys;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;

/** Wires the framework-free parts. */
@Factory
public class DomainFactory {

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The settings in force, followed on the settings topic. */
    @Singleton
    @Bean(preDestroy = "close")
    SettingsView settingsView(KafkaSettings kafka) {
        return new SettingsView(kafka.clientConfig());
    }

    @Singleton
    ApiKeys apiKeys(ReconcilerConfiguration config) {
        String file = config.getApiKeysFile();
        return new ApiKeys(config.getApiToken() == null || config.getApiToken().isBlank() ? null : config.getApiToken(),
                file == null || file.isBlank() ? null : Path.of(file));
    }
}
