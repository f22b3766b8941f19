package dev.unsubsync.reconciler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.SyncSettings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run's verdict and its snapshot queries, without Kafka or Salesforce. */
class RunOutcomeTest {

    @Test
    void aRunIsCompleteOnlyWhenEveryChangeWasAnsweredAndSaysWhatWasNot() {
        RunOutcome whole = RunOutcome.of(Map.of("noSalesforceId", 2L, "noEmail", 0L), 10, 10, 3, 3, Map.of());
        assertTrue(whole.complete());
        assertEquals(Map.of("noSalesforceId", 2L), whole.skipped(), "zeros left out");
        assertEquals(Map.of(), whole.failed());

        RunOutcome short1 = RunOutcome.of(Map.of(), 10, 7, 3, 1, Map.of("REJECTED", 1L));
        assertFalse(short1.complete());
        assertEquals(Map.of("REJECTED", 1L, "NO_ANSWER_FROM_PUSHER", 3L, "NOT_RECORDED_ON_SALES_SIDE", 2L), short1.failed());

        assertEquals(40, RunOutcome.apiCallsUsed(100L, 140L));
        assertEquals(0, RunOutcome.apiCallsUsed(null, 140L), "unknown before: not guessed");
    }

    @Test
    void theSnapshotReadsWhatTheSettingsSyncAndOnlyFieldsTheObjectHas() {
        SyncSettings emailOnly = SyncSettings.newBuilder().build();
        assertEquals(Optional.of("SELECT Id, Email, HasOptedOutOfEmail FROM Contact WHERE HasOptedOutOfEmail = true"),
                SnapshotQuery.soql("Contact", emailOnly, null));
        SyncSettings both = SyncSettings.newBuilder().setSyncToMarketoSalesOptOut(true).build();
        assertEquals(Optional.of("SELECT Id, Email, HasOptedOutOfEmail, Marketo__c FROM Lead WHERE HasOptedOutOfEmail = true OR Marketo__c = true"),
                SnapshotQuery.soql("Lead", both, "Marketo__c"));
        SyncSettings marketoOnly = SyncSettings.newBuilder().setSyncToEmailOptOut(false).setSyncToMarketoSalesOptOut(true).build();
        assertEquals(Optional.empty(), SnapshotQuery.soql("Lead", marketoOnly, null), "the field is not on Lead: nothing to read");
    }
}
