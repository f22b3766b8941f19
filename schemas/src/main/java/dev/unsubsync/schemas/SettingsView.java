package dev.unsubsync.schemas;

import dev.unsubsync.events.SyncSettings;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force: the latest {@link SyncSettings} on the compacted {@link Topics#SETTINGS} topic, read from the
 * beginning and followed for as long as the service runs. Until a record is read, the defaults apply (sync to Email Opt
 * Out only, nightly sync off), which is what the product promises when nothing has been configured.
 */
public final class SettingsView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsView.class);

    private final AtomicReference<SyncSettings> current = new AtomicReference<>(SyncSettings.newBuilder().build());
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts following the settings topic.
     *
     * @param clientConfig bootstrap servers and {@code apicurio.registry.*} settings
     */
    public SettingsView(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        // No group: every instance reads the whole compacted topic itself, and commits nothing.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put("apicurio.registry.use-specific-avro-reader", true);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(config, false);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        this.thread = Thread.ofPlatform().daemon().name("settings-view").start(this::follow);
    }

    /** The settings in force now. */
    public SyncSettings current() {
        return current.get();
    }

    /** Waits until the topic has been read to its end once; false on timeout (the defaults then apply). */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Applies settings just written by this instance, before they come back from the topic. */
    public void accept(SyncSettings settings) {
        current.set(settings);
    }

    private void follow() {
        TopicPartition partition = new TopicPartition(Topics.SETTINGS.name(), 0);
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (running) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(500))) {
                    if (Topics.SETTINGS_KEY.equals(record.key()) && record.value() instanceof SyncSettings settings) {
                        current.set(settings);
                    }
                }
                if (caughtUp.getCount() > 0) {
                    long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(5)).getOrDefault(partition, 0L);
                    if (consumer.position(partition, Duration.ofSeconds(5)) >= end) {
                        caughtUp.countDown();
                        LOG.info("Settings in force: {}", current.get());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Settings view stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("Settings view stopped; the last settings read stay in force", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
