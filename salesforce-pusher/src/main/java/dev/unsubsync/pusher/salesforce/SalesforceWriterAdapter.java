package dev.unsubsync.pusher.salesforce;

import dev.unsubsync.pusher.domain.SalesforceWriter;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.salesforce.SalesforceClient;
import jakarta.inject.Singleton;
import java.util.List;

/** The pusher's Salesforce port, served by the shared client through sObject Collections. */
@Singleton
public class SalesforceWriterAdapter implements SalesforceWriter {

    private final SalesforceClient client;

    public SalesforceWriterAdapter(SalesforceClient client) {
        this.client = client;
    }

    @Override
    public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
        return client.update(updates);
    }
}
