package dev.unsubsync.pusher.config;

import dev.unsubsync.pusher.domain.FieldCheck;
import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.pusher.domain.RecentWrites;
import dev.unsubsync.pusher.domain.SalesforceWriter;
import dev.unsubsync.pusher.kafka.KafkaSettings;
import dev.unsubsync.pusher.kafka.PeopleDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import dev.unsubsync.schemas.SettingsView;
import dev.unsubsync.security.ApiKeys;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the framework-free domain services. */
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
    ApiKeys apiKeys(PusherConfiguration config, io.micronaut.context.env.Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    @Singleton
    FieldCheck fieldCheck() {
        return new FieldCheck();
    }

    /** Runs Collections calls, {@code pusher.max-calls-in-flight} at a time. */
    @Singleton
    @Named("salesforce-calls")
    @Bean(preDestroy = "shutdown")
    ExecutorService salesforceCalls(PusherConfiguration config) {
        return Executors.newFixedThreadPool(config.getMaxCallsInFlight(), Thread.ofPlatform().name("salesforce-call-", 0).daemon().factory());
    }

    /** The people directory ({@code salesforce-people}), followed whole by every instance. */
    @Singleton
    @Bean(preDestroy = "close")
    PeopleDirectory peopleDirectory(KafkaSettings kafka, Clock clock, PusherConfiguration config, MeterRegistry metrics) {
        return new PeopleDirectory(kafka.clientConfig(), clock, config.getLookupMemory(), metrics);
    }

    @Singleton
    OptOutPusher optOutPusher(SalesforceWriter salesforce, Clock clock, SettingsView settings, FieldCheck fieldCheck,
                              @Named("salesforce-calls") ExecutorService calls, PusherConfiguration config, PeopleDirectory people) {
        return new OptOutPusher(salesforce, clock, settings::current, fieldCheck, calls, new RecentWrites(config.getRecentWritesTtl(), 100_000),
                dev.unsubsync.pusher.domain.Pauser.SLEEP, people, config.isEveryRecordForEmail());
    }
}
