package dev.unsubsync.reconciler.kafka;

/** A run that cannot go on, with the reason the report gives. */
final class RunFailure extends Exception {

    RunFailure(String message) {
        super(message);
    }
}
