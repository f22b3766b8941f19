package dev.unsubsync.capture.history;

import dev.unsubsync.capture.support.CaptureConfiguration;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the credential instances show each other when one forwards a person's history to the instance that holds it. */
@Factory
public class HistoryFactory {

    @Singleton
    PeerCredential peerCredential(CaptureConfiguration config, Clock clock) {
        return new PeerCredential(config.getSigningSecret(), clock);
    }
}
