package dev.unsubsync.pusher.domain;

import java.util.List;

/** Writes opt-outs into Salesforce. */
public interface SalesforceWriter {

    /** Largest number of records one call takes (sObject Collections' limit). */
    int MAX_RECORDS_PER_CALL = 200;

    /** Updates up to {@link #MAX_RECORDS_PER_CALL} records in one call, each independently ({@code allOrNone: false}). */
    SaveOutcome update(List<RecordUpdate> updates);
}
