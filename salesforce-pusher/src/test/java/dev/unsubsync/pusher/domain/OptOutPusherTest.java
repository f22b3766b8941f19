package dev.unsubsync.pusher.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OptOutPusherTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private static final String CONTACT = SalesforceId.parse("003000000000001").to18();
    private static final String LEAD = SalesforceId.parse("00Q000000000001").to18();

    /** Salesforce as the pusher sees it through its port: records every call, answers what the test says. */
    private static final class FakeSalesforce implements SalesforceWriter {
        final List<List<RecordUpdate>> calls = new ArrayList<>();
        final Map<String, RecordResult> perRecord = new HashMap<>();
        Function<List<RecordUpdate>, Outcome<List<RecordResult>>> callOutcome;

        @Override
        public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
            calls.add(List.copyOf(updates));
            if (callOutcome != null) {
                return callOutcome.apply(updates);
            }
            return new Outcome.Ok<>(updates.stream().map(u -> perRecord.getOrDefault(u.id(), RecordResult.saved())).toList());
        }
    }

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final OptOutPusher pusher = new OptOutPusher(salesforce, Clock.fixed(NOW, ZoneOffset.UTC), List.of(OptOutPusher.EMAIL_OPT_OUT));

    private static OptOutPusher.Inbound recorded(String salesforceId) {
        return new OptOutPusher.Inbound("p@example.com", UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail("p@example.com").setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(NOW).setRecordedAt(NOW).build());
    }

    @Test
    void writesEmailOptOutTrueOnContactsAndLeadsByIdPrefix() {
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(LEAD)), 1);
        assertEquals(1, salesforce.calls.size());
        assertEquals(List.of(new RecordUpdate("Contact", CONTACT, List.of("HasOptedOutOfEmail")),
                new RecordUpdate("Lead", LEAD, List.of("HasOptedOutOfEmail"))), salesforce.calls.getFirst());
        OptOutPushResult first = decisions.getFirst().result().orElseThrow();
        assertEquals(PushOutcome.WRITTEN, first.getOutcome());
        assertEquals("Contact", first.getObjectType());
        assertEquals(List.of("HasOptedOutOfEmail"), first.getFieldsWritten());
        assertEquals("Lead", decisions.get(1).result().orElseThrow().getObjectType());
    }

    @Test
    void removalIsNeverPushed() {
        var removal = new OptOutPusher.Inbound("p@example.com", UnsubscribeRemoved.newBuilder()
                .setEventId("r").setEmail("p@example.com").setSalesforceId(CONTACT).setRemovedBy("admin")
                .setOccurredAt(NOW).setRecordedAt(NOW).build());
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(removal), 1);
        assertTrue(salesforce.calls.isEmpty());
        assertTrue(decisions.getFirst().result().isEmpty());
        assertTrue(decisions.getFirst().deadLetter().isEmpty());
    }

    @Test
    void unsubscribeWithoutSalesforceIdIsNotPushedAndSaysSo() {
        OptOutPushResult result = pusher.push(List.of(recorded(null)), 1).getFirst().result().orElseThrow();
        assertTrue(salesforce.calls.isEmpty());
        assertEquals(PushOutcome.SKIPPED_NO_SALESFORCE_ID, result.getOutcome());
        assertEquals("NO_SALESFORCE_ID", result.getSalesforceErrorCode());
    }

    @Test
    void permanentRecordErrorGoesToDeadLetterWithSalesforcesCode() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("ENTITY_IS_DELETED", "entity is deleted"));
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(LEAD)), 1);
        assertEquals("ENTITY_IS_DELETED", decisions.getFirst().deadLetter().orElseThrow().code());
        assertEquals(PushOutcome.REJECTED, decisions.getFirst().result().orElseThrow().getOutcome());
        assertEquals(PushOutcome.WRITTEN, decisions.get(1).result().orElseThrow().getOutcome());
    }

    @Test
    void lockedRowFailsTheBatchForRetry() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access"));
        assertThrows(TransientPushFailure.class, () -> pusher.push(List.of(recorded(CONTACT)), 1));
    }

    @Test
    void unreachableOrFailingSalesforceFailsTheBatchForRetry() {
        List<Outcome<List<RecordResult>>> failures = List.of(new Outcome.NetworkError<>("refused"), new Outcome.ServerError<>(503, "SERVER_UNAVAILABLE", "down"),
                new Outcome.RateLimited<>("TotalRequests Limit exceeded."), new Outcome.AuthFailed<>("invalid_client", "bad secret"),
                new Outcome.RequestRejected<>(400, "INVALID_FIELD", "No such column"));
        for (Outcome<List<RecordResult>> outcome : failures) {
            salesforce.callOutcome = updates -> outcome;
            assertThrows(TransientPushFailure.class, () -> pusher.push(List.of(recorded(CONTACT)), 1), outcome.toString());
        }
    }

    @Test
    void duplicatesOfOneRecordMakeOneWriteAndShareTheOutcome() {
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(CONTACT)), 2);
        assertEquals(1, salesforce.calls.getFirst().size());
        assertEquals(PushOutcome.WRITTEN, decisions.get(0).result().orElseThrow().getOutcome());
        assertEquals(PushOutcome.WRITTEN, decisions.get(1).result().orElseThrow().getOutcome());
        assertEquals(2, decisions.get(1).result().orElseThrow().getAttempts());
    }

    @Test
    void largeBatchesAreSplitIntoCallsOfAtMostTwoHundred() {
        List<OptOutPusher.Inbound> batch = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            batch.add(recorded(SalesforceId.of("003", String.format("%012d", i + 1)).to18()));
        }
        List<OptOutPusher.Decision> decisions = pusher.push(batch, 1);
        assertEquals(List.of(200, 200, 50), salesforce.calls.stream().map(List::size).toList());
        assertEquals(450, decisions.size());
    }
}
