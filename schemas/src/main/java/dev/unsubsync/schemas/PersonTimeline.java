package dev.unsubsync.schemas;

import dev.unsubsync.events.HistoryEntry;
import dev.unsubsync.events.HistoryKind;
import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
                    .setReason(r.getReason()).setTopic(r.getTopic()).setSalesforceId(r.getSalesforceId()).build();
            case UnsubscribeRemoved r -> HistoryEntry.newBuilder().setKind(HistoryKind.REMOVED).setEventId(r.getEventId()).setEmail(r.getEmail())
                    .setAt(r.getRecordedAt()).setOrigin(r.getRemovedBy()).setReason(r.getReason()).setTopic(r.getTopic())
                    .setSalesforceId(r.getSalesforceId()).build();
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
     * The person now: {@code unsubscribed} from all email on the sales side (their last all-email record or removal), the
     * topics they left, and what Salesforce last answered for their latest unsubscribe ({@code null} before an answer).
     */
    public static State state(String key, PersonHistory history) {
        List<HistoryEntry> entries = history.getEntries();
        boolean unsubscribed = false;
        Set<String> topics = new LinkedHashSet<>();
        String latestRecorded = null;
        for (HistoryEntry e : entries) {
            if (e.getKind() == HistoryKind.RECORDED || e.getKind() == HistoryKind.REMOVED) {
                boolean on = e.getKind() == HistoryKind.RECORDED;
                if (e.getTopic() == null) {
                    unsubscribed = on;
                } else if (on) {
                    topics.add(e.getTopic());
                } else {
                    topics.remove(e.getTopic());
                }
                if (on) {
                    latestRecorded = e.getEventId();
                }
            }
        }
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
