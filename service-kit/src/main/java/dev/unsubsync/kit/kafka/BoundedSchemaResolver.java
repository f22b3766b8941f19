package dev.unsubsync.kit.kafka;

import dev.unsubsync.kit.Backoff;
import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.serde.data.SerdeMetadata;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema resolver every serializer and deserializer of ours uses ({@code apicurio.registry.schema-resolver}): Apicurio's
 * own, with three things added so that registry trouble never hangs a service.
 * <ul>
 * <li><b>A time limit on every registry call</b> ({@value #TIMEOUT}, default 5 s): the Apicurio client has none of its own
 * (its HTTP client waits for an answer for as long as the connection stays open). A call over the limit fails as an
 * outage ({@link RegistryErrors#unavailable} sees its {@link TimeoutException}), which callers wait out, never as bad
 * data.</li>
 * <li><b>Retries</b> ({@value #ATTEMPTS}, default 3, 200 ms apart and doubling) of a call that failed as an outage: the
 * client's intermittent "connection was closed" on a reused connection costs a retry, not an error.</li>
 * <li><b>One cache per process, kept for the life of the process</b>, of what the registry answered: a schema's id for a
 * (registry, topic, schema) and a schema for an id never change, so once any serializer of the process has resolved a
 * schema (see {@link SchemaWarmup}, run at start-up), no other ever asks the registry for it again.</li>
 * <li><b>A schema registered under each topic's subject</b>, not only under the first topic it was written to.</li>
 * </ul>
 */
public class BoundedSchemaResolver<S, T> extends DefaultSchemaResolver<S, T> {

    /** Config key: the longest one registry call may take, in milliseconds. */
    public static final String TIMEOUT = "unsubsync.registry.timeout-ms";
    /** Config key: how many times a call that failed as an outage is made in all. */
    public static final String ATTEMPTS = "unsubsync.registry.attempts";

    private static final Logger LOG = LoggerFactory.getLogger(BoundedSchemaResolver.class);
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    private static final Map<Object, SchemaLookupResult<?>> RESOLVED = new ConcurrentHashMap<>();
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("registry-call-", 0).factory());

    private Duration timeout = Duration.ofSeconds(5);
    private int attempts = 3;
    private String registry = "";

    private record ByTopic(String registry, String topic, boolean key, Schema schema) {
    }

    private record ById(String registry, Long globalId, Long contentId, String contentHash) {
    }

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> parser) {
        super.configure(configs, parser);
        Object limit = configs.get(TIMEOUT);
        if (limit != null) {
            timeout = Duration.ofMillis(Long.parseLong(limit.toString()));
        }
        Object tries = configs.get(ATTEMPTS);
        if (tries != null) {
            attempts = Math.max(1, Integer.parseInt(tries.toString()));
        }
        registry = String.valueOf(config.getRegistryUrl());
    }

    @Override
    public SchemaLookupResult<S> resolveSchema(Record<T> data) {
        if (data.metadata() instanceof SerdeMetadata metadata && data.payload() instanceof GenericContainer container) {
            return cached(new ByTopic(registry, metadata.getTopic(), metadata.isKey(), container.getSchema()), () -> {
                // Apicurio's own cache finds a schema by its content alone: a schema already registered for one topic
                // would then never be registered under its subject for the next (unsubscribe-ledger, then
                // reconcile-sales-by-id), and a Confluent client looking it up by subject would not find it. Only a
                // first write of a schema to a topic gets here, so forgetting that cache costs nothing.
                schemaCache.clear();
                return super.resolveSchema(data);
            });
        }
        return bounded(() -> super.resolveSchema(data));
    }

    @Override
    public SchemaLookupResult<S> resolveSchemaByArtifactReference(ArtifactReference reference) {
        // Only what an id names is for ever; "the latest version of an artifact" can change.
        if (reference.getGlobalId() != null || reference.getContentId() != null || reference.getContentHash() != null) {
            return cached(new ById(registry, reference.getGlobalId(), reference.getContentId(), reference.getContentHash()),
                    () -> super.resolveSchemaByArtifactReference(reference));
        }
        return bounded(() -> super.resolveSchemaByArtifactReference(reference));
    }

    @SuppressWarnings("unchecked")
    private SchemaLookupResult<S> cached(Object key, Supplier<SchemaLookupResult<S>> call) {
        SchemaLookupResult<?> known = RESOLVED.get(key);
        if (known != null) {
            return (SchemaLookupResult<S>) known;
        }
        SchemaLookupResult<S> found = bounded(call);
        RESOLVED.putIfAbsent(key, found);
        return found;
    }

    private SchemaLookupResult<S> bounded(Supplier<SchemaLookupResult<S>> call) {
        for (int attempt = 1;; attempt++) {
            Future<SchemaLookupResult<S>> answer = CALLS.submit(call::get);
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                RuntimeException late = new IllegalStateException("the schema registry at " + registry + " did not answer within " + timeout, e);
                if (attempt >= attempts) {
                    throw late;
                }
                LOG.warn("{}; asking again ({} of {})", late.getMessage(), attempt + 1, attempts);
            } catch (ExecutionException e) {
                RuntimeException failure = e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
                if (attempt >= attempts || !RegistryErrors.unavailable(failure)) {
                    throw failure;
                }
                LOG.warn("The schema registry at {} failed ({}); asking again ({} of {})", registry, failure.toString(), attempt + 1, attempts);
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            try {
                RETRY.sleep(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
        }
    }
}
