package dev.unsubsync.pusher.fields;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the field check the push loops, the health check and the console share. */
@Factory
public class FieldsFactory {

    @Singleton
    FieldCheck fieldCheck() {
        return new FieldCheck();
    }
}
