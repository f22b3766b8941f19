package dev.unsubsync.kit.kafka;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The beans every service needs the same way: a clock (tests replace it) and the settings in force. */
@Factory
public class KitFactory {

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The settings in force, followed on the settings topic. */
    @Singleton
    @Bean(preDestroy = "close")
    SettingsView settingsView(KafkaClients kafka) {
        return new SettingsView(kafka.config());
    }
}
