package dev.unsubsync.capture.api;

import dev.unsubsync.capture.support.CaptureConfiguration;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the recorder every way in (the API, webhooks, one-click, the ingest topic) hands its unsubscribes to. */
@Factory
public class ApiFactory {

    @Singleton
    UnsubscribeRecorder unsubscribeRecorder(EventPublisher publisher, Clock clock, CaptureConfiguration config) {
        return new UnsubscribeRecorder(publisher, clock, config.getMaxClockSkew());
    }
}
