package dev.unsubsync.reconciler.config;

import dev.unsubsync.reconciler.kafka.KafkaSettings;
import dev.unsubsync.schemas.SettingsView;
import dev.unsubsync.security.ApiKeys;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
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

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @io.micronaut.context.annotation.Context
    ApiKeys apiKeys(ReconcilerConfiguration config, io.micronaut.context.env.Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }
}
