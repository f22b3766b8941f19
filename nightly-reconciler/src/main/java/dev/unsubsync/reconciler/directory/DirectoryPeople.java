package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.reconciler.directory.DirectoryTopology.LedgerStores;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies record changes to each person's entry; pushes a record that joins an unsubscribed person. */
final class DirectoryPeople implements Processor<String, SalesforceRecord, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryPeople.class);

    private final Clock clock;
    private final Deserializer<SalesforcePeople> reader;
    private final Serializer<SalesforcePeople> writer;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> people;
    private final LedgerStores ledger;
    private KeyValueStore<String, String> ledgerPersons;
    private KeyValueStore<String, Long> removals;
    private KeyValueStore<String, Long> awaiting;

    private final Supplier<SyncSettings> settings;

    DirectoryPeople(Clock clock, Deserializer<SalesforcePeople> reader, Serializer<SalesforcePeople> writer, Supplier<SyncSettings> settings,
            LedgerStores ledger) {
        this.ledger = ledger;
        this.clock = clock;
        this.settings = settings;
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.people = context.getStateStore(DirectoryTopology.PEOPLE_STORE);
        this.ledgerPersons = context.getStateStore(ledger.persons());
        this.removals = context.getStateStore(ledger.removals());
        this.awaiting = context.getStateStore(DirectoryTopology.AWAITING_STORE);
    }

    @Override
    public void process(Record<String, SalesforceRecord> record) {
        String person = record.key();
        SalesforceRecord change = record.value();
        if (person == null || change == null) {
            return;
        }
        byte[] stored = people.get(person);
        SalesforcePeople current = stored == null ? null : reader.deserialize(Topics.SALESFORCE_PEOPLE.name(), stored);
        List<DirectoryEntry> entries = current == null ? new ArrayList<>() : new ArrayList<>(current.getRecords());
        int at = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getId().equals(change.getId())) {
                at = i;
            }
        }
        boolean joined = false;
        DirectoryEntry before = at >= 0 ? entries.get(at) : null;
        if (change.getDeleted()) {
            awaiting.delete(DirectoryTopology.awaitingKey(person, change.getId()));
            if (at < 0) {
                return;
            }
            entries.remove(at);
        } else {
            DirectoryEntry entry = DirectoryReads.entry(change);
            if (at >= 0 && sameButWhenRead(entries.get(at), entry)) {
                pushAgainIfItCameBack(person, change, record.timestamp());
                return;
            }
            if (!notOptedOut(change)) {
                awaiting.delete(DirectoryTopology.awaitingKey(person, change.getId()));
            }
            if (at >= 0) {
                entries.set(at, entry);
            } else {
                entries.add(entry);
                joined = true;
            }
        }
        Instant now = clock.instant();
        if (entries.isEmpty()) {
            people.delete(person);
            context.forward(new Record<String, Object>(person, null, record.timestamp()), "to-people");
        } else {
            entries.sort(Comparator.comparing((DirectoryEntry e) -> !e.getObjectType().equals("Contact")).thenComparing(DirectoryEntry::getId));
            byte[] updated = writer.serialize(Topics.SALESFORCE_PEOPLE.name(), SalesforcePeople.newBuilder().setRecords(entries).setUpdatedAt(now).build());
            people.put(person, updated);
            context.forward(new Record<String, Object>(person, updated, record.timestamp()), "to-people");
        }
        SyncSettings inForce = settings.get();
        if (!change.getDeleted() && inForce.getNightlySyncEnabled() && !change.getIsConverted()
                && DirectoryEvents.optedOut(DirectoryReads.entry(change), inForce)
                && before != null && !DirectoryEvents.optedOut(before, inForce) && ledgerPersons.get(person) == null && !change.getChangedByIntegration()
                && !predatesRemoval(person, change)) {
            // Opted out in Salesforce just now (I2): the sales side learns it within this poll, not at night, and the
            // pusher takes it to the person's other records. Only a turn the directory saw (listed not opted out, then
            // opted out) that a user made: a record first read already opted out (a full load, a record new to this
            // email, or one our own push reached before any poll) is the nightly run's to bring over, as an opt-out that
            // was already there; one whose last change is our own write (LastModifiedById our user: a push that landed
            // after the person's removal, read back) is ours, not the user's.
            LOG.info("{} {} of {} was opted out in Salesforce: recording the person as unsubscribed on the sales side", change.getObjectType(),
                    change.getId(), PersonKey.masked(person));
            context.forward(new Record<String, Object>(person, DirectoryEvents.optedOutInSalesforce(change, inForce, now), record.timestamp()),
                    "to-directory-events");
        }
        if (joined && ledgerPersons.get(person) != null && !change.getIsConverted() && notOptedOut(change)) {
            LOG.info("{} {} joined {}, who is unsubscribed: asking the pusher to opt it out", change.getObjectType(), change.getId(), PersonKey.masked(person));
            awaiting.put(DirectoryTopology.awaitingKey(person, change.getId()), now.toEpochMilli());
            context.forward(new Record<String, Object>(person, push(person, change, now), record.timestamp()), "to-directory-pushes");
        }
    }

    /** The same entry, perhaps read at another SystemModstamp (an edit of a field the directory does not keep). */
    private static boolean sameButWhenRead(DirectoryEntry listed, DirectoryEntry read) {
        return listed.equals(read) || DirectoryEntry.newBuilder(read).setSystemModstamp(listed.getSystemModstamp()).build().equals(listed);
    }

    /**
     * A record of an unsubscribed person read again unchanged, still not opted out, while a push for it was asked and
     * never seen to land: deleted when the push came (nothing to write) and undeleted before any poll saw it gone. Asked
     * again, under this version's event id.
     */
    private void pushAgainIfItCameBack(String person, SalesforceRecord change, long timestamp) {
        if (awaiting.get(DirectoryTopology.awaitingKey(person, change.getId())) == null || ledgerPersons.get(person) == null || change.getIsConverted()
                || !notOptedOut(change)) {
            return;
        }
        LOG.info("{} {} of {} is back and still not opted out: asking the pusher again", change.getObjectType(), change.getId(), PersonKey.masked(person));
        context.forward(new Record<String, Object>(person, push(person, change, clock.instant()), timestamp), "to-directory-pushes");
    }

    /**
     * Whether Salesforce stamped this version of the record before the person's last removal: the opt-out was there
     * when they were removed (our own push read back, or a user's check the removal overruled), so it comes back at
     * the nightly run, never sooner (rule 4), and is not a turn to record now.
     */
    private boolean predatesRemoval(String person, SalesforceRecord change) {
        Long removed = removals.get(person);
        if (removed == null || change.getSystemModstamp() == null || change.getSystemModstamp().toEpochMilli() > removed) {
            return false;
        }
        LOG.info("{} {} of {} reads opted out, stamped before the person's removal: left to the nightly run", change.getObjectType(), change.getId(),
                PersonKey.masked(person));
        return true;
    }

    static boolean notOptedOut(SalesforceRecord record) {
        return !record.getEmailOptOut() || Boolean.FALSE.equals(record.getMarketoSalesOptOut());
    }

    private static UnsubscribeRecorded push(String person, SalesforceRecord record, Instant now) {
        return DirectoryEvents.push(person, record.getId(), record.getObjectType(), record.getEmail(), record.getSystemModstamp(), now);
    }
}
