package dev.unsubsync.capture.console;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.kit.FrameworkFree;
import java.time.Instant;

/** Console sessions logged out before they expired, as every capture instance knows them. */
@FrameworkFree
public interface EndedSessions {

    /** Whether the session with this id was logged out. */
    boolean ended(String sessionId);

    /**
     * Records that a session was logged out, durably, before returning.
     *
     * @param expires when the session would have expired: the record is of no use after that
     * @throws EventNotDurableException when the record could not be made durable
     */
    void end(String sessionId, String keyName, Instant expires);
}
