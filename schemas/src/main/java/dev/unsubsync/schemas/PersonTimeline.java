package dev.unsubsync.schemas;

import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.HistoryKind;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a person's history means: their events ({@code unsubscribe-events}) and what Salesforce answered
 * ({@code optout-push-results}) folded, in topic order, into one {@link PersonHistory}, and the state it leaves them in.
 * The one definition capture's history API and the analyst tool share, so both answer the same.
 */
public final class PersonTimeline {

    /** Entries kept per person (the newest). */
    public static final int MAX_ENTRIES = 500;

    private PersonTimeline() {
    }

    /** A person's state after their history. */
    public record State(String email, boolean unsubscribed, List<String> topics, HistoryEntry salesforce) {
    }

    /** The history entry of an event or push result; {@code null} for any other value. */
    public static HistoryEntry entry(SpecificRecord value) {
        return switch (value) {
            case UnsubscribeRecorded r -> HistoryEntry.newBuilder().setKind(HistoryKind.RECORDED).setEventId(r.getEventId()).setEmail(r.getEmail())
                    .setAt(r.getRecordedAt()).setSource(r.getSource().name()).setProvider(r.getProvider()).setOrigin(r.getOrigin())
                    .setReason(r.getReason()).setTopic(r.getTopic()).setSalesforceId(r.getSalesforceId()).setOccurredAt(r.getOccurredAt()).build();
            case UnsubscribeRemoved r -> HistoryEntry.newBuilder().setKind(HistoryKind.REMOVED).setEventId(r.getEventId()).setEmail(r.getEmail())
                    .setAt(r.getRecordedAt()).setOrigin(r.getRemovedBy()).setReason(r.getReason()).setTopic(r.getTopic())
                    .setSalesforceId(r.getSalesforceId()).setOccurredAt(r.getOccurredAt()).build();
            case OptOutPushResult r -> HistoryEntry.newBuilder().setKind(HistoryKind.PUSH_RESULT).setEventId(r.getUnsubscribeEventId())
                    .setEmail(r.getEmail()).setAt(r.getDecidedAt()).setSalesforceId(r.getSalesforceId()).setOutcome(r.getOutcome().name())
                    .setSalesforceErrorCode(r.getSalesforceErrorCode()).setSalesforceMessage(r.getSalesforceMessage())
                    .setFieldsWritten(r.getFieldsWritten()).build();
            case null, default -> null;
        };
    }

    /** The history with one more entry: a retried event (same id, kind and outcome) is kept once; the newest {@link #MAX_ENTRIES} are kept. */
    public static PersonHistory append(PersonHistory history, HistoryEntry entry) {
        List<HistoryEntry> entries = new ArrayList<>(history.getEntries());
        boolean seen = entries.stream().anyMatch(e -> e.getKind() == entry.getKind() && e.getEventId().equals(entry.getEventId())
                && (entry.getKind() != HistoryKind.PUSH_RESULT || String.valueOf(e.getOutcome()).equals(String.valueOf(entry.getOutcome()))));
        if (!seen) {
            entries.add(entry);
        }
        if (entries.size() > MAX_ENTRIES) {
            entries = new ArrayList<>(entries.subList(entries.size() - MAX_ENTRIES, entries.size()));
        }
        return PersonHistory.newBuilder().setEntries(entries).build();
    }

    /**
     * Whether a removal (an admin's, or a provider's re-subscribe) takes effect: not when an unsubscribe of the same scope
     * recorded since the last removal that took effect <em>occurred</em> after it. A provider's retried, older re-subscribe
     * arriving after a newer unsubscribe thus undoes nothing, whatever the arrival order; an unsubscribe always takes
     * effect (it is never the unsafe direction). The one rule the history, the ledger and the analyst tool share.
     *
     * @param removalOccurredAt         when the removal happened
     * @param latestUnsubscribeOccurred the latest {@code occurredAt} of the scope's unsubscribes since its last removal
     *                                  that took effect; {@code null} when there is none
     */
    public static boolean removalTakesEffect(Instant removalOccurredAt, Instant latestUnsubscribeOccurred) {
        return latestUnsubscribeOccurred == null || !latestUnsubscribeOccurred.isAfter(removalOccurredAt);
    }

    /**
     * When an unsubscribe happened, for ordering it against removals: its {@code occurredAt}, but no later than it was
     * recorded (a sender's clock a little ahead, within the accepted skew, must not outrank an admin's removal made after
     * it reached us).
     */
    public static Instant unsubscribeTime(Instant occurredAt, Instant recordedAt) {
        return occurredAt == null || occurredAt.isAfter(recordedAt) ? recordedAt : occurredAt;
    }

    /**
     * The person now: {@code unsubscribed} from all email on the sales side (their all-email unsubscribes and the
     * removals that took effect, {@link #removalTakesEffect}), the topics they left, and what Salesforce last answered
     * for their latest unsubscribe ({@code null} before an answer).
     */
    public static State state(String key, PersonHistory history) {
        List<HistoryEntry> entries = history.getEntries();
        // Per scope (null: all email), the latest occurredAt of its unsubscribes since its last removal that took effect.
        Map<String, Instant> standing = new LinkedHashMap<>();
        String latestRecorded = null;
        for (HistoryEntry e : entries) {
            if (e.getKind() == HistoryKind.RECORDED) {
                Instant occurred = unsubscribeTime(e.getOccurredAt(), e.getAt());
                standing.merge(e.getTopic() == null ? "" : e.getTopic(), occurred, (a, b) -> a.isAfter(b) ? a : b);
                latestRecorded = e.getEventId();
            } else if (e.getKind() == HistoryKind.REMOVED) {
                String scope = e.getTopic() == null ? "" : e.getTopic();
                if (removalTakesEffect(e.getOccurredAt() != null ? e.getOccurredAt() : e.getAt(), standing.get(scope))) {
                    standing.remove(scope);
                }
            }
        }
        boolean unsubscribed = standing.containsKey("");
        Set<String> topics = new LinkedHashSet<>(standing.keySet());
        topics.remove("");
        HistoryEntry salesforce = null;
        for (HistoryEntry e : entries) {
            if (e.getKind() == HistoryKind.PUSH_RESULT && e.getEventId().equals(latestRecorded)) {
                salesforce = e;
            }
        }
        String email = entries.isEmpty() ? key : entries.getLast().getEmail();
        return new State(email, unsubscribed, new ArrayList<>(topics), salesforce);
    }
}
