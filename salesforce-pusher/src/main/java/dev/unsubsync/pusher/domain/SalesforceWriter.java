package dev.unsubsync.pusher.domain;

import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import java.util.List;
import java.util.Optional;

/** Salesforce as the pusher's rules need it: the port they use, so they are tested without HTTP. */
public interface SalesforceWriter {

    /** Largest number of records one call takes (sObject Collections' limit). */
    int MAX_RECORDS_PER_CALL = 200;

    /** Updates up to {@link #MAX_RECORDS_PER_CALL} records in one call, each independently ({@code allOrNone: false}). */
    Outcome<List<RecordResult>> update(List<RecordUpdate> updates);

    /**
     * Where a record that refused an update lives on: a converted Lead's {@code ConvertedContactId}, a merged record's
     * {@code MasterRecordId}. Empty when it has no successor.
     */
    Outcome<Optional<String>> successor(String objectType, String id);
}
