package dev.unsubsync.capture.api;

import dev.unsubsync.kit.FrameworkFree;

/** Kafka did not acknowledge an event in time (or refused it): the caller must retry, nothing may be reported as recorded. */
@FrameworkFree
public class EventNotDurableException extends RuntimeException {

    public EventNotDurableException(String message, Throwable cause) {
        super(message, cause);
    }
}
