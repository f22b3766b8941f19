package dev.unsubsync.capture.oneclick;

import dev.unsubsync.capture.support.CaptureConfiguration;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the one-click links' signer to the service secret. */
@Factory
public class OneClickFactory {

    @Singleton
    OneClickTokens oneClickTokens(CaptureConfiguration config) {
        return new OneClickTokens(config.getSigningSecret());
    }
}
