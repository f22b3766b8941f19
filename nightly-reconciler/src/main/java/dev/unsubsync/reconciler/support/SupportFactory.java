package dev.unsubsync.reconciler.support;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.List;

/** Wires what every room shares: the API keys, and the topics and schemas the reconciler needs. */
@Factory
public class SupportFactory {

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @Context
    ApiKeys apiKeys(ReconcilerConfiguration config, Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    /** Every topic of the system (the reconciler's Streams application uses most), and the schemas it writes. */
    @Singleton
    ServiceTopics topics() {
        return new ServiceTopics("nightly-reconciler", Topics.ALL, SchemaWarmup.valuesOf(List.of(Topics.UNSUBSCRIBE_LEDGER,
                Topics.SALESFORCE_OPTOUTS, Topics.RECONCILE_SALES, Topics.RECONCILE_CONTROL, Topics.RECONCILE_CANDIDATES, Topics.RECONCILE_PUSHES,
                Topics.RECONCILE_TALLIES, Topics.RECONCILE_RUNS, Topics.SALESFORCE_RECORDS, Topics.SALESFORCE_PEOPLE_CHANGES,
                Topics.SALESFORCE_PEOPLE, Topics.DIRECTORY_STATE),
                new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.getClassSchema())), "Kafka Streams waits for them");
    }
}
