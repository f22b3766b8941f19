package dev.unsubsync.pusher.support;

import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.List;

/** Wires what every room shares: the API keys, and the topics and schema the pusher needs. */
@Factory
public class SupportFactory {

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @Context
    ApiKeys apiKeys(PusherConfiguration config, Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    /** The topics the pusher reads and writes, and the schema it writes. */
    @Singleton
    ServiceTopics topics() {
        return new ServiceTopics("salesforce-pusher", Topics.ALL, SchemaWarmup.valuesOf(List.of(Topics.PUSH_RESULTS)), "the push loops wait for Kafka");
    }
}
