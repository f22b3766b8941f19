package dev.unsubsync.capture.console;

import dev.unsubsync.capture.support.CaptureConfiguration;
import dev.unsubsync.kit.security.ApiKeys;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the console's sessions: signed with the service secret, ended on every instance through Kafka. */
@Factory
public class ConsoleFactory {

    @Singleton
    AdminSessions adminSessions(CaptureConfiguration config, ApiKeys keys, Clock clock, EndedSessions ended) {
        return new AdminSessions(keys, config.getSigningSecret(), config.getAdminSessionTtl(), clock, ended);
    }
}
