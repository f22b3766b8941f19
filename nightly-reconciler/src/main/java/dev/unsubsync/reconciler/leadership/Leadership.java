package dev.unsubsync.reconciler.leadership;

import dev.unsubsync.kit.kafka.KafkaClients;
import dev.unsubsync.schemas.Topics;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which reconciler instance leads: the one that holds the runs topic's one partition in the
 * {@code nightly-reconciler-runs} consumer group. The leader runs the nightly runs and polls the people directory; the
 * others only answer the API. A dead leader is replaced within the group's session timeout (10 s).
 *
 * <p>Each {@link Duty} (the run coordinator) is told when this instance starts and stops leading, and is given a step
 * about every half second while it leads. Anything kept while leading is good only within one {@link #term()}.
 */
@Singleton
public class Leadership implements ApplicationEventListener<StartupEvent> {

    /** Work only the leader does. */
    public interface Duty {
        /** This instance leads from now on (a new term). */
        void started();

        /** This instance no longer leads: stop what only the leader may do. */
        void stopped();

        /** One step of the work, about every half second while this instance leads; a failure is logged and the next step comes. */
        void step() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    static final String GROUP_ID = "nightly-reconciler-runs";

    private final KafkaClients kafka;
    private final List<Duty> duties;
    private final AtomicLong term = new AtomicLong();
    private volatile boolean leading;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;

    public Leadership(KafkaClients kafka, List<Duty> duties) {
        this.kafka = kafka;
        this.duties = List.copyOf(duties);
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        thread = Thread.ofPlatform().name("leadership").start(this::hold);
    }

    /** Whether this instance leads now. */
    public boolean leading() {
        return leading;
    }

    /**
     * This instance's leadership term: it changes whenever leadership is gained or lost, so something kept while leading
     * (the directory's image of {@code salesforce-records}) is known to be this leader's own, unbroken, while it is equal.
     */
    public long term() {
        return term.get();
    }

    /** Whether this instance leads still in {@code term}. */
    public boolean leadingIn(long term) {
        return leading && this.term.get() == term;
    }

    private void hold() {
        Map<String, Object> config = new HashMap<>(kafka.config());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Subscribing never creates a topic: a broker that auto-creates would give it its default partition count before the
        // services provision it (seen locally: reconcile-pushes, the parked topic and salesforce-people with one partition).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A dead leader is replaced after 10 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(Topics.RECONCILE_RUNS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        stepDown();
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    stepDown();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        LOG.info("This instance now leads the reconciler (runs and people directory)");
                        term.incrementAndGet();
                        leading = true;
                        duties.forEach(Duty::started);
                    }
                }
            });
            while (running) {
                // The runs' records themselves are read by Runs; polling keeps this member in the group.
                c.poll(Duration.ofMillis(500));
                if (leading) {
                    for (Duty duty : duties) {
                        try {
                            duty.step();
                        } catch (Exception e) {
                            LOG.warn("Leader's step failed: {}; trying again", e.toString());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Leadership stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("Leadership stopped; this instance leads nothing", e);
        } finally {
            stepDown();
        }
    }

    private synchronized void stepDown() {
        if (leading) {
            LOG.info("This instance no longer leads the reconciler");
            term.incrementAndGet();
        }
        leading = false;
        duties.forEach(Duty::stopped);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(Duration.ofSeconds(10));
        }
    }
}
