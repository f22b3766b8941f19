package dev.unsubsync.reconciler.run;

import dev.unsubsync.kit.FrameworkFree;

/** A run that cannot go on, with the reason the report gives. */
@FrameworkFree
public final class RunFailure extends Exception {

    public RunFailure(String message) {
        super(message);
    }
}
