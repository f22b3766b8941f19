package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.schemas.Topics;
import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every record as {@code salesforce-records} holds it (the store's only writer; the topic restores it) and turns
 * record changes into person changes: a record that joins a person, and one that leaves its old person (its email
 * changed, it was deleted, or a full load did not read it).
 */
final class DirectoryIndex implements Processor<String, byte[], Void, Void> {
    private final Deserializer<SalesforceRecord> reader;
    private final Serializer<SalesforceRecord> writer;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> index;

    DirectoryIndex(Deserializer<SalesforceRecord> reader, Serializer<SalesforceRecord> writer) {
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    @SuppressWarnings("unchecked") // Streams types a read-only store's processor as forwarding nothing; this one forwards each change (bytes) to the sink added after it.
    public void init(ProcessorContext<Void, Void> context) {
        this.context = (ProcessorContext<String, byte[]>) (ProcessorContext<?, ?>) context;
        this.index = context.getStateStore(DirectoryTopology.INDEX_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String id = record.key();
        if (id == null || id.equals(Topics.DIRECTORY_SWEEP_KEY)) {
            // An older version's sweep marker: a full load now tombstones what it did not read (DirectoryLoad).
            return;
        }
        byte[] previous = index.get(id);
        byte[] bytes = record.value();
        if (bytes != null && Arrays.equals(previous, bytes)) {
            return;
        }
        SalesforceRecord was = previous == null ? null : reader.deserialize(Topics.SALESFORCE_RECORDS.name(), previous);
        SalesforceRecord value = bytes == null ? null : reader.deserialize(Topics.SALESFORCE_RECORDS.name(), bytes);
        if (bytes == null) {
            index.delete(id);
        } else {
            index.put(id, bytes);
        }
        String oldPerson = was == null ? null : DirectoryTopology.personOf(was.getEmail());
        String newPerson = value == null ? null : DirectoryTopology.personOf(value.getEmail());
        if (oldPerson != null && !oldPerson.equals(newPerson)) {
            context.forward(
                    new Record<>(oldPerson, writer.serialize(Topics.SALESFORCE_PEOPLE_CHANGES.name(), DirectoryTopology.leaving(id)), record.timestamp()));
        }
        if (newPerson == null || newPerson.equals(oldPerson) && content(was).equals(content(value))) {
            // No person, or seen again with nothing the directory keeps changed (a poll's overlap, an edit of another
            // field): the person's entry stays as it is. A record changed since, still not opted out, goes on as a
            // touch: it may be one undeleted before any poll saw it deleted, whose push did not land.
            if (newPerson != null && touched(was, value)) {
                context.forward(new Record<>(newPerson, bytes, record.timestamp()));
            }
            return;
        }
        if (value.getDeleted()) {
            value.setDeleted(false);
            bytes = writer.serialize(Topics.SALESFORCE_PEOPLE_CHANGES.name(), value);
        }
        // The record's own bytes: its schema is the same on both topics.
        context.forward(new Record<>(newPerson, bytes, record.timestamp()));
    }

    /** Read again, changed in Salesforce since (a later SystemModstamp), and not opted out. */
    private static boolean touched(SalesforceRecord was, SalesforceRecord now) {
        return now.getSystemModstamp() != null && (was.getSystemModstamp() == null || now.getSystemModstamp().isAfter(was.getSystemModstamp()))
                && DirectoryPeople.notOptedOut(now) && !now.getIsConverted();
    }

    /** What of a record the directory keeps, besides its person: a change of any of it must reach the person's entry. */
    static String content(SalesforceRecord record) {
        // Exact, not a hash: a collision would hide a change. A few dozen characters.
        Boolean marketo = record.getMarketoSalesOptOut();
        return (record.getEmailOptOut() ? "1" : "0") + (marketo == null ? "-" : marketo ? "1" : "0") + (record.getIsConverted() ? "1" : "0")
                + Objects.toString(record.getConvertedContactId(), "") + " " + record.getEmail();
    }
}
