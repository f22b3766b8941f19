package dev.unsubsync.kit.kafka;

import dev.unsubsync.schemas.EventClasses;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;

/** Opens Avro's trusted-class check to our events before any Kafka client exists, in tests and in the running app. */
@ContextConfigurer
public class TrustEventClasses implements ApplicationContextConfigurer {

    @Override
    public void configure(ApplicationContextBuilder builder) {
        EventClasses.trust();
    }
}
