package dev.unsubsync.reconciler.directory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** What the people directory counts: API calls by kind, records read, a full load's writes, each poll's time. */
record DirectoryMetrics(Counter pollCalls, Counter loadCalls, Counter recordsRead, Counter recordsWritten, Counter recordsGone, Timer pollTime) {

    private static final String CALLS = "Salesforce API requests the people directory made (poll: queryAll pages and describes; load: Bulk API job requests)";
    private static final String LOADED = "Records a full load wrote to salesforce-records (written: new or changed; gone: tombstoned, not in Salesforce any more)";

    static DirectoryMetrics register(MeterRegistry metrics) {
        return new DirectoryMetrics(
                Counter.builder("unsubsync.directory.api.calls").tag("kind", "poll").description(CALLS).register(metrics),
                Counter.builder("unsubsync.directory.api.calls").tag("kind", "load").description(CALLS).register(metrics),
                Counter.builder("unsubsync.directory.records.read").description("Contacts and Leads the directory read from Salesforce").register(metrics),
                Counter.builder("unsubsync.directory.load.records").tag("outcome", "written").description(LOADED).register(metrics),
                Counter.builder("unsubsync.directory.load.records").tag("outcome", "gone").description(LOADED).register(metrics),
                Timer.builder("unsubsync.directory.poll.duration").description("One incremental poll of Contacts and Leads").register(metrics));
    }
}
