package dev.unsubsync.capture.support;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;

/** Capture's limits and sizes, each group typed under its own prefix, with its default. */
public final class CaptureTuning {

    private CaptureTuning() {
    }

    /** Each API key's allowance per instance, {@code capture.rate-limit.*}: 20,000 a second, bursts of 40,000. */
    @ConfigurationProperties("capture.rate-limit")
    public record KeyRate(@Bindable(defaultValue = "20000") @Positive double perSecond,
            @Bindable(defaultValue = "40000") @Positive double burst) {
    }

    /** Each client address's allowance per instance, {@code capture.client-rate-limit.*}: 200 a second, bursts of 1,000. */
    @ConfigurationProperties("capture.client-rate-limit")
    public record ClientRate(@Bindable(defaultValue = "200") @Positive double perSecond,
            @Bindable(defaultValue = "1000") @Positive double burst) {
    }

    /** Failed authentications one address may make, {@code capture.failed-auth-limit.per-minute}: 30. */
    @ConfigurationProperties("capture.failed-auth-limit")
    public record FailedAuth(@Bindable(defaultValue = "30") @Positive double perMinute) {
    }

    /**
     * The per-person history, {@code capture.history.*}: what its RocksDB stores share off the heap
     * ({@code rocksdb-memory-mib}, 64, at least 16). {@code capture.history.enabled=false} runs an instance without it.
     */
    @ConfigurationProperties("capture.history")
    public record History(@Bindable(defaultValue = "64") @Min(16) int rocksdbMemoryMib) {
    }

    /** The ingest topic's reader, {@code capture.requests.*}: at most {@code max-batch} (500) requests a poll. */
    @ConfigurationProperties("capture.requests")
    public record Requests(@Bindable(defaultValue = "500") @Positive int maxBatch) {
    }
}
