package dev.unsubsync.emulator;

import io.micronaut.runtime.Micronaut;

/** Starts the Salesforce emulator. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
