package dev.unsubsync.reconciler.directory;

import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;
import java.util.Optional;

/** What the directory needs to know of the nightly runs: a run's snapshot reads Salesforce whole, as a full load does. */
@FrameworkFree
public interface RunStarts {

    /** Whether every run recorded so far has been read, so {@link #lastStarted()} can be trusted. */
    boolean caughtUp();

    /** When the last run started, if any has. */
    Optional<Instant> lastStarted();
}
