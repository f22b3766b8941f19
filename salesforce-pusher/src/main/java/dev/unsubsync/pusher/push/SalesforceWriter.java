package dev.unsubsync.pusher.push;

import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.salesforce.SalesforceClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Salesforce as the pusher's rules need it: the port they use, so they are tested without HTTP. */
@FrameworkFree
public interface SalesforceWriter {

    /** Largest number of records one call takes (sObject Collections' limit). */
    int MAX_RECORDS_PER_CALL = SalesforceClient.MAX_RECORDS_PER_CALL;

    /** Updates up to {@link #MAX_RECORDS_PER_CALL} records in one call, each independently ({@code allOrNone: false}). */
    Outcome<List<RecordResult>> update(List<RecordUpdate> updates);

    /**
     * Where a record that refused an update lives on: a converted Lead's {@code ConvertedContactId}, a merged record's
     * {@code MasterRecordId}. Empty when it has no successor.
     */
    Outcome<Optional<String>> successor(String objectType, String id);

    /**
     * Every Contact and Lead whose Email is one of {@code emails} (compared as Salesforce does, case-insensitively),
     * grouped by person key, converted Leads replaced by their Contact. As few calls as SOQL's limits allow: many
     * emails per query, never one call per email. A person with no record is absent from the answer.
     */
    Outcome<Map<String, List<PersonRecord>>> findByEmail(Collection<String> emails);
}
