package dev.unsubsync.capture.oneclick;

import dev.unsubsync.capture.history.PersonHistories;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What separates a repeated one-click from a new one on the same day: the person's latest all-email removal. A click after
 * a removal is a new unsubscribe and must be recorded as one (not answered from an earlier click's memory, nor dropped by
 * consumers as a duplicate event id).
 */
final class OneClickRepeats {

    private static final Logger LOG = LoggerFactory.getLogger(OneClickRepeats.class);

    private OneClickRepeats() {
    }

    /** The key's suffix for what the history said: empty before any removal, else the latest removal's event id. */
    static String since(PersonHistories.Answer answer) {
        return switch (answer) {
            case PersonHistories.Answer.Absent absent -> "";
            case PersonHistories.Answer.Found found -> found.person().history().stream()
                    .filter(entry -> "REMOVED".equals(entry.kind()) && entry.topic() == null)
                    .reduce((first, second) -> second)
                    .map(removal -> ":after:" + removal.eventId()).orElse("");
            case PersonHistories.Answer.Unavailable none -> unknown(none.why());
        };
    }

    /**
     * A suffix no other click shares: recorded anew. Costs at most one Salesforce write per click while the history
     * cannot answer (each click is rate-limited per client), where reusing the day's key could drop a click after a removal.
     */
    static String unknown(String why) {
        LOG.info("One-click recorded as a new unsubscribe: the person's history cannot say whether they were removed since ({})", why);
        return ":unknown:" + UUID.randomUUID();
    }
}
