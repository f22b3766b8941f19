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
}
