package dev.unsubsync.reconciler.diff;

import dev.unsubsync.events.ReconcileTally;
import dev.unsubsync.events.TallyStep;
import dev.unsubsync.events.UnsubscribeRecorded;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Records a Salesforce-only opt-out on the sales side, unless the person is already unsubscribed there. */
final class RecordCandidates implements Processor<String, UnsubscribeRecorded, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, String> persons;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.persons = context.getStateStore(ReconcileTopology.PERSON_STORE);
    }

    @Override
    public void process(Record<String, UnsubscribeRecorded> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String runId = String.valueOf(record.value().getUpstreamEventId());
        boolean already = persons.get(record.key()) != null;
        if (!already) {
            // A new record with no headers: the event is an ordinary sales-side unsubscribe from here on.
            context.forward(new Record<String, SpecificRecord>(record.key(), record.value(), record.timestamp()), "to-events");
        }
        ReconcileTally tally = ReconcileTally.newBuilder().setRunId(runId).setStep(TallyStep.SALES_SIDE_RECORD)
                .setPartition(context.recordMetadata().map(m -> m.partition()).orElse(-1))
                .setCounts(Map.of(already ? ReconcileTopology.ALREADY_BY_EMAIL : ReconcileTopology.RECORDED, 1L)).build();
        context.forward(new Record<String, SpecificRecord>(runId, tally, record.timestamp()), "to-tallies");
    }
}
