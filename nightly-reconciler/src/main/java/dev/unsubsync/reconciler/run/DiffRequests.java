package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.DiffScanRequest;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.kafka.TopicRecords;
import dev.unsubsync.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Asks every partition of {@code reconcile-control} to compare, and waits until Kafka holds every request: a request
 * that was never written fails the run at once, naming the partition and the cause, instead of showing up a phase
 * timeout later as "the diff answered for k of n partitions".
 */
final class DiffRequests {

    private DiffRequests() {
    }

    static void send(Producer<String, SpecificRecord> producer, String pass, SyncSettings current, int partitions, Clock clock, Duration timeout)
            throws RunFailure, InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            DiffScanRequest request = DiffScanRequest.newBuilder().setRunId(pass)
                    .setSyncToEmailOptOut(current.getSyncToEmailOptOut())
                    .setMarketoSalesOptOutField(current.getSyncToMarketoSalesOptOut() ? current.getMarketoSalesOptOutField() : null)
                    .setRequestedAt(clock.instant()).build();
            sent.add(producer.send(TopicRecords.of(Topics.RECONCILE_CONTROL, partition, pass, request, List.of())));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int partition = 0; partition < partitions; partition++) {
            try {
                sent.get(partition).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new RunFailure("could not ask partition " + partition + " of " + Topics.RECONCILE_CONTROL.name() + " to compare: "
                        + e.getCause());
            } catch (TimeoutException e) {
                throw new RunFailure("Kafka did not acknowledge the request to compare partition " + partition + " of "
                        + Topics.RECONCILE_CONTROL.name() + " within " + timeout);
            }
        }
    }
}
