package dev.unsubsync.capture.domain;

import org.apache.avro.specific.SpecificRecord;

/** Where recorded events go. Returns only once the event is durable. */
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
    default java.util.concurrent.CompletableFuture<Void> publishAsync(String key, SpecificRecord event) {
        try {
            publish(key, event);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        } catch (EventNotDurableException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Publishes several events and waits for all acknowledgements; answers, per event in order, why it is not durable
     * (empty when it is). The default publishes one by one; Kafka's adapter sends them all before waiting.
     */
    default java.util.List<java.util.Optional<String>> publishAll(java.util.List<java.util.Map.Entry<String, SpecificRecord>> events) {
        java.util.List<java.util.Optional<String>> outcomes = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, SpecificRecord> event : events) {
            try {
                publish(event.getKey(), event.getValue());
                outcomes.add(java.util.Optional.empty());
            } catch (EventNotDurableException e) {
                outcomes.add(java.util.Optional.of(e.getMessage()));
            }
        }
        return outcomes;
    }
}
