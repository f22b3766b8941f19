package dev.unsubsync.reconciler.domain;

/** A run that cannot go on, with the reason the report gives. */
public final class RunFailure extends Exception {

    public RunFailure(String message) {
        super(message);
    }
}
