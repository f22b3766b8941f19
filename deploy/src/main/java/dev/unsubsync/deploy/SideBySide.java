package dev.unsubsync.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Starts parts of the local system at once, each waited for until it is ready. */
final class SideBySide {

    /** One part's start, returning once the part is ready. */
    interface Start {
        void run() throws IOException, InterruptedException;
    }

    private SideBySide() {
    }

    /**
     * Runs every start at once and waits for all of them; the first failure is thrown once all have ended, the others'
     * added to it (whoever started the parts stops those that did start).
     */
    static void start(Start... parts) throws IOException, InterruptedException {
        List<Future<Void>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Start part : parts) {
                running.add(pool.submit(() -> {
                    part.run();
                    return null;
                }));
            }
        }
        Throwable failure = null;
        for (Future<Void> part : running) {
            try {
                part.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
            }
        }
        switch (failure) {
            case null -> {
            }
            case IOException io -> throw io;
            case InterruptedException interrupted -> throw interrupted;
            case RuntimeException runtime -> throw runtime;
            default -> throw new IllegalStateException(failure);
        }
    }
}
