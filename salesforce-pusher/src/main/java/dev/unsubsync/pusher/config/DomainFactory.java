package dev.unsubsync.pusher.config;

import dev.unsubsync.pusher.domain.OptOutPusher;
import dev.unsubsync.pusher.domain.SalesforceWriter;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;

/** Wires the framework-free domain services. */
@Factory
public class DomainFactory {

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Writes Email Opt Out: what rule 2 guarantees whatever the settings (field choice arrives with the settings topic). */
    @Singleton
    OptOutPusher optOutPusher(SalesforceWriter salesforce, Clock clock) {
        return new OptOutPusher(salesforce, clock, List.of(OptOutPusher.EMAIL_OPT_OUT));
    }
}
