package dev.unsubsync.capture.support;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.kit.kafka.SchemaWarmup;
import dev.unsubsync.kit.kafka.ServiceTopics;
import dev.unsubsync.kit.security.ApiKeys;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.util.List;

/** Wires what every room shares: the API keys, the per-key rate limits, and the topics and schemas capture needs. */
@Factory
public class SupportFactory {

    @Singleton
    RateLimits rateLimits(CaptureTuning.KeyRate rate) {
        return new RateLimits(rate.perSecond(), rate.burst(), System::nanoTime);
    }

    /** Created at start-up: a weak key outside {@code local} and {@code test} stops the service before it serves. */
    @Context
    ApiKeys apiKeys(CaptureConfiguration config, Environment environment) {
        return ApiKeys.configured(config.getApiToken(), config.getApiKeysFile(), environment.getActiveNames());
    }

    /**
     * The topics capture writes to, and the one its history store reads ({@code optout-push-results}): before the server
     * starts, so the history store finds them co-partitioned; and the schemas it writes.
     */
    @Singleton
    ServiceTopics topics() {
        return new ServiceTopics("unsubscribe-capture", List.of(Topics.UNSUBSCRIBE_EVENTS, Topics.PUSH_RESULTS, Topics.SETTINGS,
                Topics.WEBHOOK_DEAD_LETTERS, Topics.CONSOLE_SESSIONS_ENDED, Topics.UNSUBSCRIBE_REQUESTS, Topics.UNSUBSCRIBE_REQUESTS_DLT),
                SchemaWarmup.valuesOf(List.of(Topics.SETTINGS, Topics.CONSOLE_SESSIONS_ENDED),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRecorded.getClassSchema()),
                        new SchemaWarmup.Written(Topics.UNSUBSCRIBE_EVENTS, UnsubscribeRemoved.getClassSchema())),
                "requests answer 503 until Kafka is reachable");
    }
}
