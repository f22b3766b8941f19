package dev.unsubsync.emulator.domain;

import dev.unsubsync.schemas.SalesforceId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Salesforce user does to the org in Salesforce's own pages, not through the API: converts a Lead, merges
 * duplicates, brings a record back from the recycle bin, edits or unchecks fields. Each change is stamped with
 * {@link Identity#SALES_USER_ID} as its {@code LastModifiedById}, so a reader tells a user's change from the
 * integration's own writes as it would in a real org. Under the org's lock; no injected fault applies (they are API
 * faults).
 */
public final class UserEdits {

    private final Org org;

    public UserEdits(Org org) {
        this.org = org;
    }

    /**
     * Converts a Lead as Salesforce's conversion does: {@code IsConverted} is set, and from then on the Lead cannot be
     * updated ({@code CANNOT_UPDATE_CONVERTED_LEAD}); {@code ConvertedContactId} names the Contact (a new one from the
     * Lead's name and email unless one is given). Answers the Contact's ID.
     */
    public String convertLead(String leadId, Optional<String> contactId) {
        synchronized (org) {
            SObjectType lead = org.schema().require("Lead");
            Map<String, Object> record = org.find(lead, leadId);
            if (Boolean.TRUE.equals(record.get("IsConverted"))) {
                throw new SalesforceException(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");
            }
            String contact;
            if (contactId.isPresent()) {
                contact = (String) org.find(org.schema().require("Contact"), contactId.get()).get("Id");
            } else {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("FirstName", record.get("FirstName"));
                fields.put("LastName", record.get("LastName"));
                fields.put("Email", record.get("Email"));
                contact = org.create(org.schema().require("Contact"), fields);
                org.stamp(org.find(org.schema().require("Contact"), contact), Identity.SALES_USER_ID);
            }
            record.put("IsConverted", Boolean.TRUE);
            record.put("ConvertedContactId", contact);
            org.stamp(record, Identity.SALES_USER_ID);
            return contact;
        }
    }

    /**
     * Merges duplicates into a master record of the same type, as Salesforce's merge does: each duplicate is deleted
     * ({@code IsDeleted}) and points at the master through {@code MasterRecordId}.
     */
    public void merge(String masterId, List<String> duplicateIds) {
        synchronized (org) {
            SObjectType type = typeOf(masterId);
            Map<String, Object> masterRecord = org.find(type, masterId);
            List<Map<String, Object>> duplicates = new ArrayList<>();
            for (String id : duplicateIds) {
                Map<String, Object> duplicate = org.find(type, id);
                if (duplicate == masterRecord) {
                    throw new SalesforceException(400, "INVALID_ID_FIELD", "a record cannot be merged into itself: " + id);
                }
                duplicates.add(duplicate);
            }
            for (Map<String, Object> duplicate : duplicates) {
                duplicate.put("IsDeleted", Boolean.TRUE);
                duplicate.put("MasterRecordId", masterRecord.get("Id"));
                org.stamp(duplicate, Identity.SALES_USER_ID);
            }
        }
    }

    /**
     * Brings a record back from the recycle bin, as Salesforce's undelete does: live again with its fields as they were
     * ({@code MasterRecordId} cleared, as for a merged duplicate restored), its {@code SystemModstamp} moved on so a poll
     * sees it. A record that is not deleted answers {@code UNDELETE_FAILED}.
     */
    public void undelete(String rawId) {
        synchronized (org) {
            Map<String, Object> record = org.find(typeOf(rawId), rawId);
            if (!Boolean.TRUE.equals(record.get("IsDeleted"))) {
                throw new SalesforceException(400, "UNDELETE_FAILED", "Entity is not in the recycle bin: " + record.get("Id"));
            }
            record.put("IsDeleted", Boolean.FALSE);
            record.remove("MasterRecordId");
            org.stamp(record, Identity.SALES_USER_ID);
        }
    }

    /**
     * Unchecks the opt-out fields of records, as a user resubscribing them would (not an API write, so not counted in
     * {@link Org#optOutsCleared()}). Answers how many records were found; unknown IDs are skipped.
     */
    public int clearOptOuts(List<String> rawIds) {
        synchronized (org) {
            int found = 0;
            for (String rawId : rawIds) {
                Map<String, Object> record;
                try {
                    record = org.find(typeOf(rawId), rawId);
                } catch (SalesforceException e) {
                    continue;
                }
                found++;
                record.put("HasOptedOutOfEmail", Boolean.FALSE);
                org.schema().marketoField().filter(record::containsKey).ifPresent(field -> record.put(field, Boolean.FALSE));
                org.stamp(record, Identity.SALES_USER_ID);
            }
            return found;
        }
    }

    /**
     * Edits a live record's fields as a user would in its page (checking Email Opt Out, changing the email): the same
     * rules as an API update, without the API's injected faults.
     */
    public void edit(String rawId, Map<String, Object> changes) {
        synchronized (org) {
            SObjectType type = typeOf(rawId);
            Map<String, Object> record = org.find(type, rawId);
            if (Boolean.TRUE.equals(record.get("IsDeleted"))) {
                throw SalesforceException.entityDeleted();
            }
            if (Boolean.TRUE.equals(record.get("IsConverted"))) {
                throw new SalesforceException(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead");
            }
            FieldWrites.apply(type, new LinkedHashMap<>(record), changes, false).ifPresent(error -> {
                throw error.asRequestError();
            });
            FieldWrites.apply(type, record, changes, false);
            org.stamp(record, Identity.SALES_USER_ID);
        }
    }

    private SObjectType typeOf(String rawId) {
        SalesforceId id = OrgIds.parse(rawId);
        return org.schema().typeForPrefix(id.prefix()).orElseThrow(() -> SalesforceException.malformedId(rawId));
    }
}
