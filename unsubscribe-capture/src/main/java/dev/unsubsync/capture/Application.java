package dev.unsubsync.capture;

import io.micronaut.runtime.Micronaut;

/** Starts unsubscribe-capture. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
