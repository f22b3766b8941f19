package dev.unsubsync.pusher.salesforce;

import dev.unsubsync.pusher.domain.SalesforceWriter;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.salesforce.SalesforceClient;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The pusher's Salesforce port, served by the shared client. */
@Singleton
public class SalesforceWriterAdapter implements SalesforceWriter {

    private final SalesforceClient client;
    private final DistributionSummary recordsPerCall;
    private final Timer callTime;

    public SalesforceWriterAdapter(SalesforceClient client, MeterRegistry registry) {
        this.client = client;
        this.recordsPerCall = DistributionSummary.builder("unsubsync.salesforce.records.per.call")
                .description("Records per sObject Collections call").register(registry);
        this.callTime = Timer.builder("unsubsync.salesforce.call.duration").description("Collections call round trip").register(registry);
    }

    @Override
    public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
        recordsPerCall.record(updates.size());
        return callTime.record(() -> client.update(updates));
    }

    /**
     * A converted Lead's Contact (read with REST: converted Leads can be read, not written), or a merged record's master
     * (read with queryAll: merged records are deleted).
     */
    @Override
    public Outcome<Optional<String>> successor(String objectType, String id) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String fields = objectType.equals("Lead") ? "Id, IsDeleted, MasterRecordId, IsConverted, ConvertedContactId" : "Id, IsDeleted, MasterRecordId";
        Outcome<Long> found = client.query("SELECT " + fields + " FROM " + objectType + " WHERE Id = '" + id + "'", true, rows::add);
        if (!(found instanceof Outcome.Ok<Long>)) {
            return found.retyped();
        }
        if (rows.isEmpty()) {
            return new Outcome.Ok<>(Optional.empty());
        }
        Map<String, Object> row = rows.getFirst();
        if (Boolean.TRUE.equals(row.get("IsConverted")) && row.get("ConvertedContactId") instanceof String contact) {
            return new Outcome.Ok<>(Optional.of(contact));
        }
        if (row.get("MasterRecordId") instanceof String master) {
            return new Outcome.Ok<>(Optional.of(master));
        }
        return new Outcome.Ok<>(Optional.empty());
    }
}
