package dev.unsubsync.pusher;

import io.micronaut.runtime.Micronaut;

/** Starts salesforce-pusher. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
