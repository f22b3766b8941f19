package dev.unsubsync.pusher.people;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.pusher.support.PusherConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the people directory. */
@Factory
public class PeopleFactory {

    /** The people directory ({@code salesforce-people}), followed whole by every instance. */
    @Singleton
    @Bean(preDestroy = "close")
    PeopleDirectory peopleDirectory(KafkaClients kafka, Clock clock, PusherConfiguration config, MeterRegistry metrics) {
        return new PeopleDirectory(kafka.config(), clock, config.getLookupMemory(), config.getDirectoryMaxAge(), metrics);
    }
}
