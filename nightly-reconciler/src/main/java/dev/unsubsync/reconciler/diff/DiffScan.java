package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.DirectoryEntry;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.SalesforceOptOut;
import dev.unsubsync.events.SalesforcePeople;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.reconciler.directory.DirectoryTopology;
import dev.unsubsync.schemas.EventIds;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import dev.unsubsync.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compares one partition of both sides for a run. */
final class DiffScan implements Processor<String, DiffScanRequest, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(DiffScan.class);

    private final Clock clock;
    private final Deserializer<UnsubscribeRecorded> salesValues;
    private final Deserializer<SalesforceOptOut> salesforceValues;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> sales;
    private KeyValueStore<String, byte[]> salesforce;
    private final Deserializer<SalesforcePeople> peopleValues;
    private KeyValueStore<String, byte[]> directory;

    DiffScan(Clock clock, Deserializer<UnsubscribeRecorded> salesValues, Deserializer<SalesforceOptOut> salesforceValues,
            Deserializer<SalesforcePeople> peopleValues) {
        this.clock = clock;
        this.salesValues = salesValues;
        this.salesforceValues = salesforceValues;
        this.peopleValues = peopleValues;
    }

    private UnsubscribeRecorded salesEntry(byte[] value) {
        return salesValues.deserialize(Topics.RECONCILE_SALES.name(), value);
    }

    private SalesforceOptOut salesforceEntry(byte[] value) {
        return value == null ? null : salesforceValues.deserialize(Topics.SALESFORCE_OPTOUTS.name(), value);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.sales = context.getStateStore(ReconcileTopology.SALES_STORE);
        this.salesforce = context.getStateStore(ReconcileTopology.SALESFORCE_STORE);
        this.directory = context.getStateStore(DirectoryTopology.PEOPLE_STORE);
    }

    @Override
    public void process(Record<String, DiffScanRequest> record) {
        DiffScanRequest request = record.value();
        if (request == null) {
            return;
        }
        String runId = request.getRunId();
        long started = System.nanoTime();
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        LOG.info("Diff of partition {} for run {}: comparing ({} ms after the run asked)", partition, runId,
                clock.millis() - request.getRequestedAt().toEpochMilli());
        Map<String, Long> counts = new TreeMap<>();
        for (String name : new String[]{ReconcileTopology.SALES_ENTRIES, ReconcileTopology.SALESFORCE_ENTRIES, ReconcileTopology.TO_SALESFORCE,
                ReconcileTopology.TO_SALES_SIDE, ReconcileTopology.IN_SYNC, ReconcileTopology.NO_ID, ReconcileTopology.NO_EMAIL, ReconcileTopology.STALE}) {
            counts.put(name, 0L);
        }
        RecordHeaders runHeader = new RecordHeaders();
        runHeader.add(Topics.RUN_ID_HEADER, runId.getBytes(StandardCharsets.UTF_8));
        long now = clock.millis();

        // One ordered pass over both stores at once (a merge join on the Salesforce ID): keys sort bytewise, "<id>"
        // before "<id>|<person>", and the "~|<person>" entries with no ID after every ID.
        try (KeyValueIterator<String, byte[]> salesSide = sales.all(); KeyValueIterator<String, byte[]> salesforceSide = salesforce.all()) {
            KeyValue<String, byte[]> person = salesSide.hasNext() ? salesSide.next() : null;
            KeyValue<String, byte[]> optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
            while (person != null || optOut != null) {
                String personId = person == null ? null : person.key.substring(0, person.key.indexOf('|'));
                int order = person == null ? 1 : optOut == null ? -1 : personId.compareTo(optOut.key);
                SalesforceOptOut seen = null;
                if (order >= 0) {
                    seen = salesforceEntry(optOut.value);
                    if (!runId.equals(seen.getSnapshotRunId())) {
                        // An older run saw it opted out and this run's snapshot did not: it no longer is.
                        counts.merge(ReconcileTopology.STALE, 1L, Long::sum);
                        context.forward(new Record<String, SpecificRecord>(optOut.key, null, now), "to-salesforce-optouts");
                        seen = null;
                    } else {
                        counts.merge(ReconcileTopology.SALESFORCE_ENTRIES, 1L, Long::sum);
                    }
                }
                if (order > 0) {
                    // Salesforce only: opted out there, no sales-side entry for the ID.
                    if (seen != null && optedOutInAny(seen, request)) {
                        recordOnSalesSide(optOut.key, seen, runId, now, runHeader, counts);
                    }
                    optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
                    continue;
                }
                // Every person linked to this ID (or, for "~", every person with no ID).
                String id = personId;
                while (person != null && person.key.startsWith(id) && person.key.charAt(id.length()) == '|') {
                    if (id.equals(ReconcileTopology.NO_SALESFORCE_ID)) {
                        // No ID: the person's Contacts and Leads by email, as the directory lists them (on this very
                        // partition: "~|<person>" is partitioned by person, like the directory).
                        compareByEmail(person.key.substring(id.length() + 1), person.value, request, runId, now, runHeader, counts);
                    } else {
                        counts.merge(ReconcileTopology.SALES_ENTRIES, 1L, Long::sum);
                        if (seen != null && optedOutInEvery(seen, request)) {
                            counts.merge(ReconcileTopology.IN_SYNC, 1L, Long::sum);
                        } else {
                            counts.merge(ReconcileTopology.TO_SALESFORCE, 1L, Long::sum);
                            UnsubscribeRecorded push = UnsubscribeRecorded.newBuilder(salesEntry(person.value))
                                    // A fresh id per run and record: the pusher's "seen this event lately" memory must
                                    // not swallow a push the real-time path made minutes ago and Salesforce since undid.
                                    .setEventId(EventIds.derived(runId + "|push|" + person.key))
                                    .setSalesforceId(id)
                                    .build();
                            context.forward(new Record<String, SpecificRecord>(person.key.substring(id.length() + 1), push, now, runHeader),
                                    "to-pushes");
                        }
                    }
                    person = salesSide.hasNext() ? salesSide.next() : null;
                }
                if (order == 0) {
                    optOut = salesforceSide.hasNext() ? salesforceSide.next() : null;
                }
            }
        }

        ReconcileTally tally = ReconcileTally.newBuilder().setRunId(runId).setStep(TallyStep.DIFF_PARTITION)
                .setPartition(partition).setCounts(counts).build();
        LOG.info("Diff of partition {} for run {}: compared in {} ms: {}", partition, runId, (System.nanoTime() - started) / 1_000_000, counts);
        context.forward(new Record<String, SpecificRecord>(runId, tally, now), "to-tallies");
    }

    /**
     * A sales-side unsubscribe without a Salesforce ID, compared record by record with what the people directory
     * says of the person's Contacts and Leads (as fresh as its last poll): each one not opted out in every selected
     * field is pushed. Only a person with no record at all counts as {@link #ReconcileTopology.NO_ID}.
     */
    private void compareByEmail(String person, byte[] value, DiffScanRequest request, String runId, long now, RecordHeaders runHeader,
            Map<String, Long> counts) {
        byte[] listed = directory.get(person);
        SalesforcePeople linked = listed == null ? null : peopleValues.deserialize(Topics.SALESFORCE_PEOPLE.name(), listed);
        if (linked == null || linked.getRecords().isEmpty()) {
            counts.merge(ReconcileTopology.NO_ID, 1L, Long::sum);
            return;
        }
        UnsubscribeRecorded unsubscribe = salesEntry(value);
        Set<String> done = new HashSet<>();
        for (DirectoryEntry entry : linked.getRecords()) {
            if (entry.getIsConverted() && entry.getConvertedContactId() != null) {
                // Writes go to the Contact it became, which the directory lists under its own email.
                continue;
            }
            if (!done.add(entry.getId())) {
                continue;
            }
            counts.merge(ReconcileTopology.SALES_ENTRIES, 1L, Long::sum);
            boolean email = !request.getSyncToEmailOptOut() || entry.getEmailOptOut();
            boolean marketo = request.getMarketoSalesOptOutField() == null || Boolean.TRUE.equals(entry.getMarketoSalesOptOut());
            if (email && marketo) {
                counts.merge(ReconcileTopology.IN_SYNC, 1L, Long::sum);
                continue;
            }
            counts.merge(ReconcileTopology.TO_SALESFORCE, 1L, Long::sum);
            UnsubscribeRecorded push = UnsubscribeRecorded.newBuilder(unsubscribe)
                    .setEventId(EventIds.derived(runId + "|push|" + entry.getId() + "|" + person))
                    .setSalesforceId(entry.getId())
                    .build();
            context.forward(new Record<String, SpecificRecord>(person, push, now, runHeader), "to-pushes");
        }
    }

    private void recordOnSalesSide(String id, SalesforceOptOut seen, String runId, long now, RecordHeaders runHeader, Map<String, Long> counts) {
        if (seen.getEmail() == null || seen.getEmail().isBlank() || seen.getEmail().indexOf('@') < 0) {
            counts.merge(ReconcileTopology.NO_EMAIL, 1L, Long::sum);
            return;
        }
        counts.merge(ReconcileTopology.TO_SALES_SIDE, 1L, Long::sum);
        UnsubscribeRecorded recorded = UnsubscribeRecorded.newBuilder()
                .setEventId(EventIds.derived(runId + "|record|" + id))
                .setEmail(seen.getEmail())
                .setSalesforceId(id)
                .setPersonType(id.startsWith(SalesforceId.LEAD_PREFIX) ? PersonType.LEAD : PersonType.CONTACT)
                .setSource(UnsubscribeSource.SALESFORCE_SYNC)
                .setOccurredAt(seen.getSeenAt())
                .setRecordedAt(Instant.ofEpochMilli(now))
                .setReason("opted out in Salesforce (" + seen.getObjectType() + " " + id + "), found by nightly run " + runId)
                .setUpstreamEventId(runId)
                .setOrigin(ReconcileTopology.ORIGIN)
                .build();
        context.forward(new Record<String, SpecificRecord>(PersonKey.of(seen.getEmail()), recorded, now, runHeader), "to-candidates");
    }

    /** Whether Salesforce has every selected field set. */
    static boolean optedOutInEvery(SalesforceOptOut seen, DiffScanRequest request) {
        boolean email = !request.getSyncToEmailOptOut() || seen.getEmailOptOut();
        boolean marketo = request.getMarketoSalesOptOutField() == null || Boolean.TRUE.equals(seen.getMarketoSalesOptOut());
        return email && marketo;
    }

    /** Whether Salesforce has any selected field set: the person is opted out there. */
    static boolean optedOutInAny(SalesforceOptOut seen, DiffScanRequest request) {
        boolean email = request.getSyncToEmailOptOut() && seen.getEmailOptOut();
        boolean marketo = request.getMarketoSalesOptOutField() != null && Boolean.TRUE.equals(seen.getMarketoSalesOptOut());
        return email || marketo;
    }
}
