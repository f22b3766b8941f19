package dev.unsubsync.reconciler.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.DirectoryState;
import dev.unsubsync.events.SalesforceRecord;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the people directory asks Salesforce, and how it reads the answers. */
class DirectoryReadsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T05:00:00Z");

    @Test
    void aFullLoadsWatermarkIsWhenItsQueryStartedSoARecordEditedMidJobIsPolledNext() {
        Instant started = NOW.minus(Duration.ofMinutes(10));
        // A record in a chunk already read is edited at 05:00 (its email changed): the job read 04:50's version.
        // The newest SystemModstamp read (04:58, from a later chunk) would skip it forever; the job's start does not.
        assertEquals(started, DirectoryReads.fullLoadWatermark(NOW.minus(Duration.ofMinutes(2)), started));
        String next = DirectoryReads.changedSince("Contact", null, DirectoryReads.fullLoadWatermark(NOW.minus(Duration.ofMinutes(2)), started),
                Duration.ofMinutes(2));
        assertTrue(next.contains("SystemModstamp > 2026-12-01T04:48:00Z"), next);
        // Nothing newer than the start read: from the newest read (an earlier watermark only reads more).
        assertEquals(NOW.minus(Duration.ofHours(3)), DirectoryReads.fullLoadWatermark(NOW.minus(Duration.ofHours(3)), started));
        assertEquals(started, DirectoryReads.fullLoadWatermark(null, started), "no rows at all: from the start");
    }

    @Test
    void aPollReadsFromTheWatermarkMinusTheOverlapDeletedRecordsIncludedOldestFirst() {
        assertEquals("SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp, LastModifiedById, IsConverted, ConvertedContactId, IsDeleted FROM Lead"
                + " WHERE SystemModstamp > 2026-12-01T04:57:59Z ORDER BY SystemModstamp",
                DirectoryReads.changedSince("Lead", null, Instant.parse("2026-12-01T04:59:59.750Z"), Duration.ofMinutes(2)));
        assertEquals(
                "SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp, LastModifiedById, Marketo_Sales_Opt_Out__c, IsDeleted FROM Contact ORDER BY SystemModstamp",
                DirectoryReads.changedSince("Contact", "Marketo_Sales_Opt_Out__c", null, Duration.ofMinutes(2)), "no watermark yet: everything");
        assertEquals("SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp, LastModifiedById FROM Contact", DirectoryReads.fullLoad("Contact", null));
    }

    @Test
    void bothOfSalesforcesDatetimeFormsAreRead() {
        assertEquals(Optional.of(Instant.parse("2026-12-01T04:00:00.123Z")), DirectoryReads.dateTime("2026-12-01T04:00:00.123+0000"));
        assertEquals(Optional.of(Instant.parse("2026-12-01T04:00:00.123Z")), DirectoryReads.dateTime("2026-12-01T04:00:00.123Z"));
        assertEquals(Optional.of(Instant.parse("2026-12-01T02:00:00Z")), DirectoryReads.dateTime("2026-12-01T04:00:00.000+02:00"));
        assertEquals(Optional.empty(), DirectoryReads.dateTime("yesterday"));
        assertEquals(Optional.empty(), DirectoryReads.dateTime(null));
    }

    @Test
    void aRowBecomesARecordWithEighteenCharacterIdsAndAConvertedLeadsContact() {
        String lead = SalesforceId.of("00Q", "Dn0000000007").to18();
        String contact = SalesforceId.of("003", "Dn0000000007").to18();
        Map<String, Object> row = new HashMap<>(Map.of("Id", lead.substring(0, 15), "Email", "Pat@Example.com", "HasOptedOutOfEmail", "true",
                "IsConverted", "true", "ConvertedContactId", contact.substring(0, 15), "SystemModstamp", "2026-12-01T04:00:00.000Z"));
        SalesforceRecord record = DirectoryReads.record("Lead", row, null, "load-1", null).orElseThrow();
        assertEquals(lead, record.getId());
        assertEquals("Pat@Example.com", record.getEmail(), "kept as Salesforce holds it");
        assertTrue(record.getEmailOptOut());
        assertNull(record.getMarketoSalesOptOut(), "not read");
        assertTrue(record.getIsConverted());
        assertEquals(contact, record.getConvertedContactId());
        assertEquals("load-1", record.getLoadId());

        row.put("Email", " ");
        assertNull(DirectoryReads.record("Lead", row, null, "load-1", null).orElseThrow().getEmail(), "a blank email belongs to no person");
        assertTrue(DirectoryReads.record("Lead", Map.of("Id", "not-an-id"), null, "load-1", null).isEmpty());
    }

    @Test
    void aFullLoadIsDueFirstAfterANightlyRunStartsAndOnceADay() {
        DirectoryState loaded = DirectoryState.newBuilder().setFullLoadId("load-1").setFullLoadStartedAt(NOW.minus(Duration.ofHours(2))).build();
        assertTrue(DirectoryReads.fullLoadDue(null, Optional.empty(), NOW, Duration.ofHours(24)), "never loaded");
        assertFalse(DirectoryReads.fullLoadDue(loaded, Optional.of(NOW.minus(Duration.ofHours(3))), NOW, Duration.ofHours(24)));
        assertTrue(DirectoryReads.fullLoadDue(loaded, Optional.of(NOW.minus(Duration.ofMinutes(1))), NOW, Duration.ofHours(24)), "a run started since");
        assertTrue(DirectoryReads.fullLoadDue(loaded, Optional.empty(), NOW, Duration.ofHours(2)), "a day (here: two hours) went by");
    }

    @Test
    void aRecordLastChangedByOurOwnUserIsMarkedAsOursWhicheverIdLengthEitherSideUses() {
        Map<String, Object> row = new HashMap<>(Map.of("Id", SalesforceId.of("003", "Dn0000000009").to18(), "Email", "pat@example.com",
                "HasOptedOutOfEmail", "true", "LastModifiedById", "005Dn0000000001AAA"));
        assertTrue(DirectoryReads.record("Contact", row, null, "load-1", "005Dn0000000001").orElseThrow().getChangedByIntegration());
        assertTrue(DirectoryReads.record("Contact", row, null, "load-1", "005Dn0000000001AAA").orElseThrow().getChangedByIntegration());
        assertFalse(DirectoryReads.record("Contact", row, null, "load-1", "005Dn0000000002AAA").orElseThrow().getChangedByIntegration(),
                "a user's change");
        assertFalse(DirectoryReads.record("Contact", row, null, "load-1", null).orElseThrow().getChangedByIntegration(), "our user unknown");
        row.remove("LastModifiedById");
        assertFalse(DirectoryReads.record("Contact", row, null, "load-1", "005Dn0000000001AAA").orElseThrow().getChangedByIntegration(), "not read");
    }

    @Test
    void aRecordsFingerprintFollowsEveryFieldButTheLoadThatReadIt() {
        SalesforceRecord base = new SalesforceRecord(SalesforceId.of("00Q", "Dn0000000007").to18(), "Lead", "pat@example.com", false, null, false,
                null, NOW, "load-1", false, false);
        long fingerprint = DirectoryReads.fingerprint(base);
        SalesforceRecord sameOtherLoad = SalesforceRecord.newBuilder(base).setLoadId("load-2").build();
        assertEquals(fingerprint, DirectoryReads.fingerprint(sameOtherLoad), "the load that read it is not what it says");
        List<SalesforceRecord> changed = List.of(
                SalesforceRecord.newBuilder(base).setId(SalesforceId.of("00Q", "Dn0000000008").to18()).build(),
                SalesforceRecord.newBuilder(base).setObjectType("Contact").build(),
                SalesforceRecord.newBuilder(base).setEmail("Pat@example.com").build(),
                SalesforceRecord.newBuilder(base).setEmail(null).build(),
                SalesforceRecord.newBuilder(base).setEmailOptOut(true).build(),
                SalesforceRecord.newBuilder(base).setMarketoSalesOptOut(false).build(),
                SalesforceRecord.newBuilder(base).setMarketoSalesOptOut(true).build(),
                SalesforceRecord.newBuilder(base).setIsConverted(true).build(),
                SalesforceRecord.newBuilder(base).setConvertedContactId(SalesforceId.of("003", "Dn0000000007").to18()).build(),
                SalesforceRecord.newBuilder(base).setSystemModstamp(NOW.plusMillis(1)).build(),
                SalesforceRecord.newBuilder(base).setSystemModstamp(null).build());
        Set<Long> seen = new HashSet<>(Set.of(fingerprint));
        for (SalesforceRecord record : changed) {
            assertTrue(seen.add(DirectoryReads.fingerprint(record)), "a change of one field changes the fingerprint: " + record);
        }
        assertTrue(seen.stream().noneMatch(f -> f == 0), "0 is the image's \"unknown\"");
    }
}
