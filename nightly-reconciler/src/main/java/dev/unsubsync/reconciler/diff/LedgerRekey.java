package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.reconciler.directory.DirectoryEvents;
import dev.unsubsync.reconciler.directory.DirectoryTopology;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-keys the ledger by Salesforce ID and remembers each person's ID, and when a person was last removed; a person new
 * to the ledger whose records the directory already lists, changed near the unsubscribe, has them pushed (the pusher may
 * have missed them).
 */
final class LedgerRekey implements Processor<String, UnsubscribeRecorded, String, UnsubscribeRecorded> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRekey.class);

    private final Deserializer<SalesforcePeople> people;
    private final Clock clock;
    private ProcessorContext<String, UnsubscribeRecorded> context;
    private KeyValueStore<String, String> persons;
    private KeyValueStore<String, byte[]> directory;
    private KeyValueStore<String, Long> removals;
    private KeyValueStore<String, Long> awaiting;

    LedgerRekey(Deserializer<SalesforcePeople> people, Clock clock) {
        this.people = people;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, UnsubscribeRecorded> context) {
        this.context = context;
        this.persons = context.getStateStore(ReconcileTopology.PERSON_STORE);
        this.directory = context.getStateStore(DirectoryTopology.PEOPLE_STORE);
        this.removals = context.getStateStore(ReconcileTopology.REMOVAL_STORE);
        this.awaiting = context.getStateStore(DirectoryTopology.AWAITING_STORE);
    }

    @Override
    public void process(Record<String, UnsubscribeRecorded> record) {
        String person = record.key();
        if (person == null) {
            return;
        }
        String previous = persons.get(person);
        String next = record.value() == null ? null : ReconcileTopology.salesforceKey(record.value());
        if (previous != null && !previous.equals(next)) {
            context.forward(new Record<String, UnsubscribeRecorded>(previous + "|" + person, null, record.timestamp()), "to-sales-by-id");
        }
        if (next == null) {
            // Also for a person the ledger did not hold: an opt-out there when they were removed is not a new turn.
            removals.put(person, record.timestamp());
            persons.delete(person);
            return;
        }
        if (previous == null) {
            removals.delete(person);
        }
        persons.put(person, next);
        context.forward(new Record<>(next + "|" + person, record.value(), record.timestamp()), "to-sales-by-id");
        if (previous == null) {
            byte[] entry = directory.get(person);
            if (entry != null) {
                SalesforcePeople listed = people.deserialize(Topics.SALESFORCE_PEOPLE.name(), entry);
                // The pusher opts out what it finds; until the directory lists each record opted out, it is awaited (a
                // record in the recycle bin when the push came is asked again if it comes back).
                for (DirectoryEntry listedRecord : listed.getRecords()) {
                    if (!listedRecord.getIsConverted() && DirectoryEvents.notOptedOut(listedRecord)) {
                        awaiting.put(DirectoryTopology.awaitingKey(person, listedRecord.getId()), clock.instant().toEpochMilli());
                    }
                }
                for (UnsubscribeRecorded push : DirectoryEvents.pushesForNewlyUnsubscribed(person, listed, record.value().getRecordedAt(), clock.instant())) {
                    LOG.info("{} {} was in the directory before {} reached the ledger: asking the pusher to opt it out", push.getPersonType(),
                            push.getSalesforceId(), PersonKey.masked(person));
                    context.forward(new Record<>(person, push, record.timestamp()), "to-ledger-pushes");
                }
            }
        }
    }
}
