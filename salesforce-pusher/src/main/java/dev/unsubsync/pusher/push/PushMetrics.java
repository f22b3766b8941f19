package dev.unsubsync.pusher.push;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.salesforce.SalesforceClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The pusher's Prometheus metrics ({@code GET /prometheus}): pushes by outcome, dead letters by code, retried
 * events, batch sizes and times, end-to-end latency (capture's acknowledgement → Salesforce's confirmation), field
 * problems, and the Salesforce API allowance left. Records per API call are measured by the Salesforce adapter; consumer
 * lag comes from the Kafka clients' own metrics.
 */
@Singleton
public class PushMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private final Timer endToEnd;
    private final Counter retried;

    public PushMetrics(MeterRegistry registry, Clock clock, SalesforceClient salesforce, FieldCheck fieldCheck) {
        this.registry = registry;
        this.clock = clock;
        this.batchSize = DistributionSummary.builder("unsubsync.push.batch.size").description("Events per batch").register(registry);
        this.batchTime = Timer.builder("unsubsync.push.batch.duration").description("Time to push a batch and publish its outcomes").register(registry);
        this.endToEnd = Timer.builder("unsubsync.push.latency")
                .description("From capture's acknowledgement (recordedAt) to Salesforce's confirmation of the write")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        this.retried = Counter.builder("unsubsync.push.retried").description("Events whose batch was retried").register(registry);
        Gauge.builder("unsubsync.salesforce.api.remaining", salesforce,
                client -> client.apiUsage().map(u -> (double) (u.max() - u.used())).orElse(Double.NaN))
                .description("Daily API requests left, from the last Sforce-Limit-Info").register(registry);
        Gauge.builder("unsubsync.salesforce.field.problems", fieldCheck, check -> check.problems().size())
                .description("Opt-out fields missing or read-only on Contact or Lead").register(registry);
    }

    /** @param realTime whether the event came straight from capture (a nightly run's pushes say nothing of latency) */
    void outcome(OptOutPushResult result, SpecificRecord event, boolean realTime) {
        registry.counter("unsubsync.push.outcomes", "outcome", result.getOutcome().name()).increment();
        if (realTime && result.getOutcome() == PushOutcome.WRITTEN && event instanceof UnsubscribeRecorded recorded) {
            endToEnd.record(Duration.between(recordedAt(recorded), clock.instant()));
        }
    }

    /** Consumer metrics, lag included ({@code kafka_consumer_fetch_manager_records_lag_max}). */
    void bind(Consumer<?, ?> consumer) {
        new KafkaClientMetrics(consumer).bindTo(registry);
    }

    void deadLettered(String code) {
        registry.counter("unsubsync.push.dead.letters", "code", code).increment();
    }

    void retried(int events) {
        retried.increment(events);
    }

    void batch(int events, long nanos) {
        batchSize.record(events);
        batchTime.record(Duration.ofNanos(nanos));
    }

    private static Instant recordedAt(UnsubscribeRecorded recorded) {
        return recorded.getRecordedAt();
    }
}
