package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.Sleeper;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.PeopleDirectory;
import dev.unsubsync.pusher.support.PusherConfiguration;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the push's rules to Salesforce, the settings, the field check and the people directory. */
@Factory
public class PushFactory {

    /** Runs Collections calls, {@code pusher.max-calls-in-flight} at a time. */
    @Singleton
    @Named("salesforce-calls")
    @Bean(preDestroy = "shutdown")
    ExecutorService salesforceCalls(PusherConfiguration config) {
        return Executors.newFixedThreadPool(config.getMaxCallsInFlight(), Thread.ofPlatform().name("salesforce-call-", 0).daemon().factory());
    }

    @Singleton
    OptOutPusher optOutPusher(SalesforceWriter salesforce, Clock clock, SettingsView settings, FieldCheck fieldCheck,
            @Named("salesforce-calls") ExecutorService calls, PusherConfiguration config, PeopleDirectory people) {
        return new OptOutPusher(salesforce, clock, settings::current, fieldCheck, calls, new RecentWrites(config.getRecentWritesTtl(), 100_000),
                Sleeper.THREAD, people, config.isEveryRecordForEmail());
    }
}
