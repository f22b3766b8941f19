package dev.unsubsync.capture.api;

import dev.unsubsync.kit.FrameworkFree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;

/** Where recorded events go. Returns only once the event is durable. */
@FrameworkFree
public interface EventPublisher {

    /**
     * Publishes {@code event} under the person {@code key} and waits for the broker's acknowledgement.
     *
     * @throws EventNotDurableException when the event could not be made durable in time
     */
    void publish(String key, SpecificRecord event);

    /**
     * Publishes {@code event} and answers at once; the future completes when the broker acknowledges, or fails with an
     * {@link EventNotDurableException}. The default waits in the calling thread.
     */
    default CompletableFuture<Void> publishAsync(String key, SpecificRecord event) {
        try {
            publish(key, event);
            return CompletableFuture.completedFuture(null);
        } catch (EventNotDurableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What became of one event of {@link #publishAll}: durable, or not (and why). */
    sealed interface Published {
        /** Kafka acknowledged it. */
        record Durable() implements Published {
        }

        /** Kafka did not acknowledge it: nothing may be reported as recorded. */
        record NotDurable(String why) implements Published {
        }
    }

    /**
     * Publishes several events and waits for all acknowledgements; answers what became of each, in order. The default
     * publishes one by one; Kafka's adapter sends them all before waiting.
     */
    default List<Published> publishAll(List<Map.Entry<String, SpecificRecord>> events) {
        List<Published> outcomes = new ArrayList<>();
        for (Map.Entry<String, SpecificRecord> event : events) {
            try {
                publish(event.getKey(), event.getValue());
                outcomes.add(new Published.Durable());
            } catch (EventNotDurableException e) {
                outcomes.add(new Published.NotDurable(e.getMessage()));
            }
        }
        return outcomes;
    }
}
