package dev.unsubsync.schemas;

import dev.unsubsync.events.UnsubscribeRecorded;
import org.apache.avro.util.ClassSecurityValidator;

/** Avro's trusted-class check, opened to our generated event classes. */
public final class EventClasses {

    /** Package of every generated event class. */
    public static final String PACKAGE = "dev.unsubsync.events";

    private EventClasses() {
    }

    /**
     * Lets Avro instantiate our event classes. Avro 1.12 refuses to build readers and writers for classes outside its
     * trusted list, which fails the serializer of the first send and the deserializer of the first poll; call this once
     * at start-up, before any Kafka client is built. Idempotent.
     */
    public static synchronized void trust() {
        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(UnsubscribeRecorded.class)) {
            return;
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current,
                type -> type.getName().startsWith(PACKAGE + ".")));
    }
}
