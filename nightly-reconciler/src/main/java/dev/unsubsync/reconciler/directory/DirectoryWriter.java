package dev.unsubsync.reconciler.directory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The people directory's only way onto {@code salesforce-records} and {@code salesforce-directory-state}: Kafka
 * transactions under one fixed transactional id ({@link #TRANSACTIONAL_ID}). Each leadership term opens its own producer;
 * opening it fences every producer an earlier leader opened and aborts what that one left open, so a deposed leader that
 * has not noticed yet (a pause, a partition) can never land a write after the new leader's: its next send or commit is
 * refused, and what it sent is never read (every reader of both topics reads committed only).
 *
 * <p>A poll and its new watermark are one transaction: the watermark never moves past records that are not there. A
 * full load commits every {@link #CHUNK} records or {@link #CHUNK_TIME} (a transaction is bounded by the broker's
 * timeout), its last chunk with the watermark. Not thread-safe: the directory's one thread uses it.
 */
final class DirectoryWriter implements AutoCloseable {

    /** Under the reconciler's transactional-id prefix, which its Kafka user may write. */
    static final String TRANSACTIONAL_ID = "nightly-reconciler-directory";
    /** Records a transaction holds at most before a full load commits it and goes on in the next. */
    static final int CHUNK = 50_000;
    /** How long a transaction stays open at most before a full load commits it. */
    static final Duration CHUNK_TIME = Duration.ofSeconds(20);

    private final Supplier<Producer<String, SpecificRecord>> opener;
    private final int chunk;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Producer<String, SpecificRecord> producer;
    private long term = Long.MIN_VALUE;
    /** The latest term this writer was fenced in: opening again in it would fence the leader that fenced it. */
    private long fencedIn = Long.MIN_VALUE;
    private boolean inTransaction;
    private int sent;
    private long began;

    /**
     * @param opener makes a producer with {@link #TRANSACTIONAL_ID} (and everything else the service's clients need)
     * @param chunk  records a full load's transaction holds at most ({@link #CHUNK})
     */
    DirectoryWriter(Supplier<Producer<String, SpecificRecord>> opener, int chunk) {
        this.opener = opener;
        this.chunk = chunk;
    }

    /**
     * Starts a transaction for leadership term {@code term}. A term not seen before opens a new producer first, which
     * fences every earlier one (this instance's own of an older term included).
     *
     * @throws IllegalStateException when this writer was fenced in {@code term}: another instance took over meanwhile, and
     *                               only a later term of this one's may write again
     */
    void begin(long term) {
        if (term <= fencedIn) {
            throw new IllegalStateException(
                    "fenced in leadership term " + fencedIn + ": another instance leads the people directory; this one writes again only once it leads anew");
        }
        if (producer == null || term != this.term) {
            drop();
            Producer<String, SpecificRecord> opened = opener.get();
            try {
                opened.initTransactions();
            } catch (RuntimeException e) {
                opened.close(Duration.ZERO);
                throw e;
            }
            producer = opened;
            this.term = term;
        }
        failure.set(null);
        producer.beginTransaction();
        inTransaction = true;
        sent = 0;
        began = System.nanoTime();
    }

    /** Sends {@code record} in the open transaction; {@code done} hears how it went, as with a producer's send. */
    void send(ProducerRecord<String, SpecificRecord> record, Callback done) {
        Callback heard = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
            if (done != null) {
                done.onCompletion(metadata, e);
            }
        };
        try {
            producer.send(record, heard);
        } catch (KafkaException e) {
            // Refused at once (fenced, or the transaction already failed): the commit says so.
            heard.onCompletion(null, e);
        }
        sent++;
    }

    /** As {@link #send}, then commits and begins the next transaction once this one holds a chunk (full loads). */
    void sendInChunks(ProducerRecord<String, SpecificRecord> record, Callback done) {
        send(record, done);
        if (sent >= chunk || System.nanoTime() - began >= CHUNK_TIME.toNanos()) {
            long current = term;
            commit();
            begin(current);
        }
    }

    /**
     * Commits the open transaction: every record sent in it becomes readable at once, or none does.
     *
     * @throws IllegalStateException when it could not be committed (a send failed, Kafka away, or this instance was fenced
     *                               by a newer leader); nothing of it is readable then
     */
    void commit() {
        try {
            producer.commitTransaction();
            inTransaction = false;
        } catch (KafkaException e) {
            if (fenced(e) || fenced(failure.get())) {
                fencedIn = term;
                drop();
                throw new IllegalStateException("fenced: another instance leads the people directory now; nothing of this write is read", e);
            }
            abort();
            throw new IllegalStateException("the write could not be committed (" + (failure.get() != null ? failure.get() : e) + "); nothing of it is read", e);
        }
        if (failure.get() != null) {
            // A send that failed makes the commit fail; this is only a guard.
            throw new IllegalStateException("a send failed: " + failure.get());
        }
    }

    /** Abandons the open transaction, if any: nothing sent in it is ever read. */
    void abort() {
        if (producer == null || !inTransaction) {
            return;
        }
        inTransaction = false;
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            if (fenced(e)) {
                fencedIn = term;
            }
            // Fenced or broken: the broker aborts what it left open; a new producer is opened for the next transaction.
            drop();
        }
    }

    /** Whether {@code e} (or what caused it) says a producer with the same transactional id was opened since. */
    private static boolean fenced(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /** The first send of the open transaction that failed, or null. */
    Exception failure() {
        return failure.get();
    }

    private void drop() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
        inTransaction = false;
        term = Long.MIN_VALUE;
    }

    @Override
    public void close() {
        abort();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
