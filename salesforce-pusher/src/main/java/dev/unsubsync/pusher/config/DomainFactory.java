package dev.unsubsync.pusher.config;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.pusher.domain.FieldCheck;
import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.pusher.domain.Pauser;
import dev.unsubsync.pusher.domain.RecentWrites;
import dev.unsubsync.pusher.domain.SalesforceWriter;
import dev.unsubsync.pusher.kafka.PeopleDirectory;
import dev.unsubsync.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the framework-free domain services. */
@Factory
public class DomainFactory {

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @io.micronaut.context.annotation.Context
    ApiKeys apiKeys(PusherConfiguration config, Environment environment) {
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
    PeopleDirectory peopleDirectory(KafkaClients kafka, Clock clock, PusherConfiguration config, MeterRegistry metrics) {
        return new PeopleDirectory(kafka.config(), clock, config.getLookupMemory(), config.getDirectoryMaxAge(), metrics);
    }

    @Singleton
    OptOutPusher optOutPusher(SalesforceWriter salesforce, Clock clock, SettingsView settings, FieldCheck fieldCheck,
                              @Named("salesforce-calls") ExecutorService calls, PusherConfiguration config, PeopleDirectory people) {
        return new OptOutPusher(salesforce, clock, settings::current, fieldCheck, calls, new RecentWrites(config.getRecentWritesTtl(), 100_000),
                Pauser.SLEEP, people, config.isEveryRecordForEmail());
    }

    /** The topics the pusher reads and writes, and the schema it writes. */
    @Singleton
    ServiceTopics topics() {
        return new ServiceTopics("salesforce-pusher", Topics.ALL, SchemaWarmup.valuesOf(List.of(Topics.PUSH_RESULTS)), "the push loops wait for Kafka");
    }
}
