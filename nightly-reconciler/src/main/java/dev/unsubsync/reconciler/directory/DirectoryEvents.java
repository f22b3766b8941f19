package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.schemas.EventIds;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the people directory asks for, as pure functions of what it holds: a push for a record of an unsubscribed
 * person ({@code reconcile-pushes}), and the sales-side unsubscribe of a person whose record was opted out in
 * Salesforce ({@code unsubscribe-events}).
 */
public final class DirectoryEvents {

    private DirectoryEvents() {
    }

    /**
     * How close to an unsubscribe a record must have changed in Salesforce (or the person's entry in the directory) for
     * the ledger to push it when the person reaches the ledger after the record reached the directory: the pusher, which
     * handled the unsubscribe on its own, may not have seen such a record yet. Wider than the poll interval and a clock's
     * skew; a record pushed twice costs a write, never a wrong value.
     */
    static final Duration JOIN_WINDOW = Duration.ofMinutes(5);

    /**
     * The directory's records of {@code person} (entry bytes as kept in {@link DirectoryTopology#PEOPLE_STORE}) that an unsubscribe recorded
     * at {@code recordedAt} must be pushed to although no record joined the person since: records not opted out yet, not
     * converted, that changed in Salesforce or reached the directory within {@link #JOIN_WINDOW} of the unsubscribe.
     */
    public static List<UnsubscribeRecorded> pushesForNewlyUnsubscribed(String person, SalesforcePeople entry, Instant recordedAt, Instant now) {
        List<UnsubscribeRecorded> pushes = new ArrayList<>();
        if (entry == null) {
            return pushes;
        }
        Instant since = recordedAt.minus(JOIN_WINDOW);
        boolean entryChanged = entry.getUpdatedAt() != null && !entry.getUpdatedAt().isBefore(since);
        for (DirectoryEntry record : entry.getRecords()) {
            boolean recordChanged = record.getSystemModstamp() != null && !record.getSystemModstamp().isBefore(since);
            if ((entryChanged || recordChanged) && notOptedOut(record) && !record.getIsConverted()) {
                pushes.add(push(person, record.getId(), record.getObjectType(), record.getEmail(), record.getSystemModstamp(), now));
            }
        }
        return pushes;
    }

    /** Whether a listed record still lacks an opt-out a push would set (either field, where it is read, unchecked). */
    public static boolean notOptedOut(DirectoryEntry record) {
        return !record.getEmailOptOut() || Boolean.FALSE.equals(record.getMarketoSalesOptOut());
    }

    /** The push that opts a record of an unsubscribed person out: one event id per record and version. */
    static UnsubscribeRecorded push(String person, String id, String objectType, String email, Instant systemModstamp, Instant now) {
        String modstamp = systemModstamp == null ? "" : String.valueOf(systemModstamp.toEpochMilli());
        return UnsubscribeRecorded.newBuilder()
                // One id per record and version: a record that leaves and joins again is pushed again; the ledger's push
                // and the directory's for the same record and version are one event to the pusher.
                .setEventId(EventIds.derived("directory|" + person + "|" + id + "|" + modstamp))
                .setEmail(email)
                .setSalesforceId(id)
                .setPersonType(id.startsWith(SalesforceId.LEAD_PREFIX) ? PersonType.LEAD : PersonType.CONTACT)
                .setSource(UnsubscribeSource.SALESFORCE_SYNC)
                .setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(now)
                .setRecordedAt(now)
                .setReason(objectType + " " + id + " appeared in Salesforce with the address of an unsubscribed person")
                .setOrigin(DirectoryTopology.ORIGIN)
                .build();
    }

    /** Whether a record is opted out in the field(s) the settings choose (Email Opt Out alone while the sync is off). */
    static boolean optedOut(DirectoryEntry entry, SyncSettings settings) {
        return settings.getSyncToEmailOptOut() && entry.getEmailOptOut()
                || settings.getSyncToMarketoSalesOptOut() && Boolean.TRUE.equals(entry.getMarketoSalesOptOut());
    }

    static UnsubscribeRecorded optedOutInSalesforce(SalesforceRecord record, SyncSettings settings, Instant now) {
        String modstamp = record.getSystemModstamp() == null ? "" : String.valueOf(record.getSystemModstamp().toEpochMilli());
        String field = settings.getSyncToEmailOptOut() && record.getEmailOptOut() ? "Email Opt Out" : settings.getMarketoSalesOptOutField();
        return UnsubscribeRecorded.newBuilder()
                // One id per record and version: the same change read again (a poll's overlap, a reload) is the same event.
                .setEventId(EventIds.derived("salesforce-optout|" + record.getId() + "|" + modstamp))
                .setEmail(record.getEmail())
                .setSalesforceId(record.getId())
                .setPersonType(record.getId().startsWith(SalesforceId.LEAD_PREFIX) ? PersonType.LEAD : PersonType.CONTACT)
                .setSource(UnsubscribeSource.SALESFORCE_SYNC)
                .setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(record.getSystemModstamp() == null ? now : record.getSystemModstamp())
                .setRecordedAt(now)
                .setReason(field + " turned true on " + record.getObjectType() + " " + record.getId() + " in Salesforce")
                .setOrigin(DirectoryTopology.ORIGIN)
                .build();
    }
}
