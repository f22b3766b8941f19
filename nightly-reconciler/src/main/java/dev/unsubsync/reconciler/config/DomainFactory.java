package dev.unsubsync.reconciler.config;

import dev.unsubsync.kit.security.ApiKeys;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the framework-free parts. */
@Factory
public class DomainFactory {

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @io.micronaut.context.annotation.Context
    ApiKeys apiKeys(ReconcilerConfiguration config, io.micronaut.context.env.Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }
}
