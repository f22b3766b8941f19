package dev.unsubsync.kit.kafka;

import dev.unsubsync.kit.Backoff;
import dev.unsubsync.schemas.Topic;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.data.SerdeRecord;
import io.apicurio.registry.serde.kafka.data.KafkaSerdeMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers (or looks up) every schema a service writes, once, when it starts: afterwards no write of the process asks
 * the registry again ({@link BoundedSchemaResolver} keeps the answers for the process), so a registry that is slow or away
 * later costs a nightly run or a request nothing. A registry that is away at start-up is asked again with backoff, on a
 * thread of its own, until it answers; the service runs meanwhile (its writes then wait for the registry as before).
 */
public final class SchemaWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaWarmup.class);
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    /** A schema a service writes to a topic (as the value of its records). */
    public record Written(Topic<?, ?> topic, Schema schema) {
    }

    /**
     * The value schema of each topic whose values are of one Avro type, plus {@code extra} for topics that carry
     * several (e.g. {@code unsubscribe-events}).
     */
    public static List<Written> valuesOf(List<Topic<?, ?>> topics, Written... extra) {
        List<Written> written = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            if (SpecificRecordBase.class.isAssignableFrom(topic.valueType())) {
                written.add(new Written(topic, SpecificData.get().getSchema(topic.valueType())));
            }
        }
        written.addAll(List.of(extra));
        return written;
    }

    private final CountDownLatch done = new CountDownLatch(1);

    private SchemaWarmup() {
    }

    /**
     * Starts registering {@code written} through the service's registry settings.
     *
     * @param clientConfig {@code apicurio.registry.*} settings as the service's serializers get them
     */
    public static SchemaWarmup start(String service, Map<String, Object> clientConfig, List<Written> written) {
        SchemaWarmup warmup = new SchemaWarmup();
        Thread.ofPlatform().daemon().name(service + "-schema-warmup").start(() -> warmup.run(service, clientConfig, written));
        return warmup;
    }

    /** Waits until every schema is registered; false on timeout. */
    public boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(String service, Map<String, Object> clientConfig, List<Written> written) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put("apicurio.registry.schema-resolver", BoundedSchemaResolver.class.getName());
        int retries = 0;
        long began = System.nanoTime();
        try (AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            int next = 0;
            while (next < written.size()) {
                Written one = written.get(next);
                try {
                    serializer.getSchemaResolver().resolveSchema(new SerdeRecord<>(
                            new KafkaSerdeMetadata(one.topic().name(), false, new RecordHeaders()), new GenericData.Record(one.schema())));
                    next++;
                    retries = 0;
                } catch (RuntimeException e) {
                    if (!RegistryErrors.unavailable(e)) {
                        // A schema the registry refuses (incompatible with what it holds) is a deployment error: say it loudly.
                        LOG.error("{}: the registry refused schema {} for {}: {}", service, one.schema().getFullName(), one.topic().name(), e.toString());
                        next++;
                        continue;
                    }
                    Duration pause = RETRY.delay(++retries);
                    LOG.warn("{}: schema registry unavailable while registering the schemas it writes ({}); trying again in {} ms", service, e.toString(),
                            pause.toMillis());
                    Thread.sleep(pause);
                }
            }
            LOG.info("{}: the {} schemas it writes are registered ({} ms)", service, written.size(), (System.nanoTime() - began) / 1_000_000);
            done.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
