package dev.unsubsync.capture.config;

import dev.unsubsync.capture.domain.EventPublisher;
import dev.unsubsync.capture.domain.UnsubscribeRecorder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the framework-free domain services. */
@Factory
public class DomainFactory {

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    UnsubscribeRecorder unsubscribeRecorder(EventPublisher publisher, Clock clock, CaptureConfiguration config) {
        return new UnsubscribeRecorder(publisher, clock, config.getMaxClockSkew());
    }
}
