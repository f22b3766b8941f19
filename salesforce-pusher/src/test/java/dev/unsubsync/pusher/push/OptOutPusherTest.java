package dev.unsubsync.pusher.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.OptOutPushResult;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.PushOutcome;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.People;
import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.schemas.SalesforceId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The pusher's rules (salesforce-pusher/README.md, "Behaviour"), each named, with Salesforce behind its port. */
class OptOutPusherTest {

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");
    private static final String CONTACT = SalesforceId.parse("003000000000001").to18();
    private static final String LEAD = SalesforceId.parse("00Q000000000001").to18();
    private static final String MARKETO = "Marketo_Sales_Opt_Out__c";

    /** Salesforce as the pusher sees it through its port: records every call, answers what the test says. */
    private static final class FakeSalesforce implements SalesforceWriter {
        final List<List<RecordUpdate>> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<String, RecordResult> perRecord = new HashMap<>();
        final Map<String, String> successors = new HashMap<>();
        Function<List<RecordUpdate>, Outcome<List<RecordResult>>> callOutcome;

        @Override
        public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
            calls.add(List.copyOf(updates));
            if (callOutcome != null) {
                return callOutcome.apply(updates);
            }
            return new Outcome.Ok<>(updates.stream().map(u -> perRecord.getOrDefault(u.id(), RecordResult.saved())).toList());
        }

        @Override
        public Outcome<Optional<String>> successor(String objectType, String id) {
            return new Outcome.Ok<>(Optional.ofNullable(successors.get(id)));
        }

        final Map<String, List<PersonRecord>> byEmail = new HashMap<>();
        final List<List<String>> lookups = Collections.synchronizedList(new ArrayList<>());
        Outcome<Map<String, List<PersonRecord>>> lookupOutcome;

        @Override
        public Outcome<Map<String, List<PersonRecord>>> findByEmail(java.util.Collection<String> emails) {
            lookups.add(List.copyOf(emails));
            if (lookupOutcome != null) {
                return lookupOutcome;
            }
            Map<String, List<PersonRecord>> found = new HashMap<>();
            emails.forEach(email -> Optional.ofNullable(byEmail.get(dev.unsubsync.schemas.PersonKey.of(email)))
                    .ifPresent(records -> found.put(dev.unsubsync.schemas.PersonKey.of(email), records)));
            return new Outcome.Ok<>(found);
        }

        List<RecordUpdate> written() {
            return calls.stream().flatMap(List::stream).toList();
        }
    }

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final AtomicReference<SyncSettings> settings = new AtomicReference<>(SyncSettings.newBuilder().build());
    private final FieldCheck fieldCheck = new FieldCheck();
    private final List<java.time.Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    /** The people directory: what it lists, and what live lookups taught it. */
    private final Map<String, List<PersonRecord>> directory = new HashMap<>();
    private final Map<String, List<PersonRecord>> learned = new HashMap<>();
    private final People people = new People() {
        @Override
        public Optional<List<PersonRecord>> known(String personKey) {
            return Optional.ofNullable(directory.getOrDefault(personKey, learned.get(personKey)));
        }

        @Override
        public void learned(String personKey, List<PersonRecord> records) {
            learned.put(personKey, records);
        }

        @Override
        public boolean current() {
            return directoryCurrent;
        }
    };
    private boolean directoryCurrent = true;
    private final OptOutPusher pusher = pusher(true);

    private OptOutPusher pusher(boolean everyRecordForEmail) {
        return new OptOutPusher(salesforce, Clock.fixed(NOW, ZoneOffset.UTC), settings::get, fieldCheck,
                Executors.newFixedThreadPool(4), new RecentWrites(java.time.Duration.ofMinutes(10), 1000), pauses::add, people, everyRecordForEmail);
    }

    private static OptOutPusher.Inbound recorded(String email, String salesforceId) {
        return new OptOutPusher.Inbound(dev.unsubsync.schemas.PersonKey.of(email), UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail(email).setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.PROVIDER_WEBHOOK).setProvider("sendgrid").setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(NOW).setRecordedAt(NOW).build());
    }

    private static OptOutPusher.Inbound recorded(String salesforceId) {
        return new OptOutPusher.Inbound("p@example.com", UnsubscribeRecorded.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setEmail("p@example.com").setSalesforceId(salesforceId)
                .setPersonType(PersonType.UNKNOWN).setSource(UnsubscribeSource.API).setScope(UnsubscribeScope.ALL_EMAIL)
                .setOccurredAt(NOW).setRecordedAt(NOW).build());
    }

    private void syncEnabled(boolean emailOptOut, boolean marketo) {
        settings.set(SyncSettings.newBuilder().setNightlySyncEnabled(true).setSyncToEmailOptOut(emailOptOut).setSyncToMarketoSalesOptOut(marketo).build());
    }

    private static OptOutPushResult only(OptOutPusher.Decision decision) {
        assertEquals(1, decision.results().size(), decision.toString());
        return decision.results().getFirst();
    }

    @Test
    void writesTheSelectedFieldsWhenSyncIsEnabled() {
        syncEnabled(false, true);
        pusher.push(List.of(recorded(CONTACT)), 1);
        syncEnabled(true, true);
        pusher.push(List.of(recorded(CONTACT)), 1);
        syncEnabled(true, false);
        pusher.push(List.of(recorded(CONTACT)), 1);
        assertEquals(List.of(List.of(MARKETO), List.of("HasOptedOutOfEmail", MARKETO), List.of("HasOptedOutOfEmail")),
                salesforce.written().stream().map(RecordUpdate::fields).toList());
    }

    @Test
    void pushesToEmailOptOutWhenSyncDisabled() {
        settings.set(SyncSettings.newBuilder().setNightlySyncEnabled(false).setSyncToEmailOptOut(false).setSyncToMarketoSalesOptOut(true).build());
        OptOutPushResult result = only(pusher.push(List.of(recorded(CONTACT)), 1).getFirst());
        assertEquals(List.of("HasOptedOutOfEmail"), salesforce.written().getFirst().fields());
        assertEquals(List.of("HasOptedOutOfEmail"), result.getFieldsWritten());
    }

    @Test
    void removalIsNeverPushed() {
        var removal = new OptOutPusher.Inbound("p@example.com", UnsubscribeRemoved.newBuilder()
                .setEventId("r").setEmail("p@example.com").setSalesforceId(CONTACT).setRemovedBy("admin")
                .setOccurredAt(NOW).setRecordedAt(NOW).build());
        OptOutPusher.Decision decision = pusher.push(List.of(removal), 1).getFirst();
        assertTrue(salesforce.calls.isEmpty());
        assertTrue(decision.results().isEmpty());
        assertTrue(decision.deadLetter().isEmpty());
    }

    @Test
    void aRetryAfterOneFailedCallWritesOnlyWhatSalesforceDidNotSave() {
        List<OptOutPusher.Inbound> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            batch.add(recorded(SalesforceId.parse(String.format("003000000000%03d", i)).to18()));
        }
        java.util.concurrent.atomic.AtomicBoolean failOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        salesforce.callOutcome = updates -> updates.size() < SalesforceWriter.MAX_RECORDS_PER_CALL && failOnce.getAndSet(false)
                ? new Outcome.ServerError<>(503, "SERVER_UNAVAILABLE", "busy")
                : new Outcome.Ok<>(updates.stream().map(u -> RecordResult.saved()).toList());

        assertThrows(TransientPushFailure.class, () -> pusher.push(batch, 1));
        salesforce.calls.clear();
        List<OptOutPusher.Decision> retried = pusher.push(batch, 2);

        assertEquals(50, salesforce.written().size(), "the 200 records Salesforce saved are not written again");
        assertTrue(retried.stream().allMatch(d -> only(d).getOutcome() == PushOutcome.WRITTEN));
    }

    @Test
    void anUnsubscribeWithoutIdReachesEveryContactAndLeadTheDirectoryListsForItsEmail() {
        String duplicate = SalesforceId.parse("003000000000002").to18();
        directory.put("p@example.com", List.of(PersonRecord.of(CONTACT), PersonRecord.of(duplicate), PersonRecord.of(LEAD)));

        OptOutPusher.Decision decision = pusher.push(List.of(recorded("P@Example.com", null)), 1).getFirst();

        assertEquals(java.util.Set.of(CONTACT, duplicate, LEAD),
                salesforce.written().stream().map(RecordUpdate::id).collect(java.util.stream.Collectors.toSet()));
        assertEquals(1, salesforce.calls.size(), "one Collections call for the three records");
        assertTrue(salesforce.lookups.isEmpty(), "the directory answered: no live lookup");
        assertEquals(3, decision.results().size());
        assertTrue(decision.results().stream().allMatch(r -> r.getOutcome() == PushOutcome.WRITTEN), decision.toString());
    }

    @Test
    void anUnsubscribeWithAnIdReachesTheEmailsOtherRecordsWhileTheDirectoryIsNotCurrent() {
        String duplicate = SalesforceId.parse("003000000000002").to18();
        salesforce.byEmail.put("p@example.com", List.of(PersonRecord.of(CONTACT), PersonRecord.of(duplicate), PersonRecord.of(LEAD)));
        directoryCurrent = false;

        OptOutPusher.Decision decision = pusher.push(List.of(recorded(CONTACT)), 1).getFirst();

        assertEquals(java.util.Set.of(CONTACT, duplicate, LEAD),
                salesforce.written().stream().map(RecordUpdate::id).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of(List.of("p@example.com")), salesforce.lookups, "the email's other records looked up live");
        assertTrue(decision.results().stream().allMatch(r -> r.getOutcome() == PushOutcome.WRITTEN), decision.toString());
    }

    @Test
    void aLookupSalesforceRefusesForGoodParksItsEventsAndTheRestOfTheBatchIsWritten() {
        salesforce.lookupOutcome = new Outcome.RequestRejected<>(400, "INVALID_FIELD", "No such column 'Email' on entity 'Lead'");
        directory.put("known@example.com", List.of(PersonRecord.of(CONTACT)));

        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded("unknown@example.com", null), recorded("known@example.com", null)), 1);

        OptOutPusher.Decision refused = decisions.getFirst();
        assertEquals(Parking.Kind.RETRY_LATER, refused.parked().orElseThrow().kind(), refused.toString());
        assertTrue(refused.parked().get().describe().contains(Parking.LOOKUP_REFUSED) && refused.parked().get().describe().contains("INVALID_FIELD"),
                refused.parked().get().describe());
        assertEquals(PushOutcome.PARKED, only(refused).getOutcome());
        assertEquals(PushOutcome.WRITTEN, only(decisions.get(1)).getOutcome(), "the known person is not held up");
        assertEquals(List.of(CONTACT), salesforce.written().stream().map(RecordUpdate::id).toList());

        // On the retry path the refusal holds only that loop, which backs off and asks again.
        OptOutPusher.Inbound parked = new OptOutPusher.Inbound("unknown@example.com", recorded("unknown@example.com", null).event(),
                List.of("HasOptedOutOfEmail"));
        assertThrows(TransientPushFailure.class, () -> pusher.push(List.of(parked), 2));
    }

    @Test
    void anUnsubscribeWithAnIdTrustsACurrentDirectoryThatDoesNotListItsEmail() {
        OptOutPusher.Decision decision = pusher.push(List.of(recorded(CONTACT)), 1).getFirst();

        assertEquals(List.of(CONTACT), salesforce.written().stream().map(RecordUpdate::id).toList());
        assertTrue(salesforce.lookups.isEmpty(), "a current directory lists every record the email has; no live lookup");
        assertEquals(PushOutcome.WRITTEN, only(decision).getOutcome());
    }

    @Test
    void peopleTheDirectoryDoesNotListAreLookedUpLiveInOneBatchedQuery() {
        salesforce.byEmail.put("a@example.com", List.of(PersonRecord.of(CONTACT)));
        salesforce.byEmail.put("b@example.com", List.of(PersonRecord.of(LEAD)));

        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded("a@example.com", null), recorded("b@example.com", null),
                recorded("A@example.com", null)), 1);

        assertEquals(1, salesforce.lookups.size(), "one lookup for the whole batch, never one per event");
        assertEquals(List.of("a@example.com", "b@example.com"), salesforce.lookups.getFirst(), "each person asked for once");
        assertEquals(CONTACT, only(decisions.get(0)).getSalesforceId());
        assertEquals(LEAD, only(decisions.get(1)).getSalesforceId());
        assertEquals(CONTACT, only(decisions.get(2)).getSalesforceId());
        assertEquals(List.of(PersonRecord.of(CONTACT)), learned.get("a@example.com"), "remembered until the directory lists it");
    }

    @Test
    void aPersonWithNoRecordYetIsPendingAndSaysSo() {
        OptOutPushResult result = only(pusher.push(List.of(recorded("nobody@example.com", null)), 1).getFirst());
        assertTrue(salesforce.calls.isEmpty());
        assertEquals(PushOutcome.NO_SALESFORCE_RECORD, result.getOutcome());
        assertEquals("NO_SALESFORCE_RECORD", result.getSalesforceErrorCode());
        assertTrue(result.getSalesforceMessage().contains("pending"), result.getSalesforceMessage());
    }

    @Test
    void aLookupOutageRetriesTheBatchRatherThanCallingThePersonUnknown() {
        salesforce.lookupOutcome = new Outcome.ServerError<>(503, "SERVER_UNAVAILABLE", "down for maintenance");
        assertThrows(TransientPushFailure.class, () -> pusher.push(List.of(recorded("outage@example.com", null)), 1));
    }

    @Test
    void anUnsubscribeWithIdAlsoReachesTheEmailsOtherRecords() {
        String duplicate = SalesforceId.parse("003000000000002").to18();
        directory.put("p@example.com", List.of(PersonRecord.of(duplicate), PersonRecord.of(LEAD)));

        OptOutPusher.Decision decision = pusher.push(List.of(recorded("p@example.com", CONTACT)), 1).getFirst();

        assertEquals(List.of(CONTACT, duplicate, LEAD), decision.results().stream().map(OptOutPushResult::getSalesforceId).toList());
        assertTrue(salesforce.lookups.isEmpty(), "an event with an ID never waits for a live lookup");
    }

    @Test
    void withEveryRecordForEmailOffOnlyTheNamedRecordIsWritten() {
        directory.put("p@example.com", List.of(PersonRecord.of(LEAD)));
        OptOutPushResult result = only(pusher(false).push(List.of(recorded("p@example.com", CONTACT)), 1).getFirst());
        assertEquals(CONTACT, result.getSalesforceId());
        assertEquals(List.of(CONTACT), salesforce.written().stream().map(RecordUpdate::id).toList());
    }

    @Test
    void aTopicUnsubscribeReachesNoRecordEvenByEmail() {
        directory.put("p@example.com", List.of(PersonRecord.of(CONTACT)));
        OptOutPusher.Inbound inbound = recorded("p@example.com", null);
        ((UnsubscribeRecorded) inbound.event()).setTopic("sendgrid:asm-group:7");
        assertEquals(PushOutcome.SKIPPED_TOPIC, only(pusher.push(List.of(inbound), 1).getFirst()).getOutcome());
        assertTrue(salesforce.calls.isEmpty() && salesforce.lookups.isEmpty());
    }

    @Test
    void contactsAndLeadsAreWrittenByIdPrefix() {
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(LEAD)), 1);
        assertEquals(List.of("Contact", "Lead"), salesforce.written().stream().map(RecordUpdate::objectType).toList());
        assertEquals("Contact", only(decisions.get(0)).getObjectType());
        assertEquals("Lead", only(decisions.get(1)).getObjectType());
    }

    @Test
    void missingFieldParksTheEventForItAndWritesTheOthers() {
        syncEnabled(true, true);
        fieldCheck.update("Lead", Map.of(MARKETO, FieldCheck.missing("Lead", MARKETO)));
        OptOutPusher.Decision lead = pusher.push(List.of(recorded(LEAD)), 1).getFirst();
        assertEquals(List.of("HasOptedOutOfEmail"), salesforce.written().getFirst().fields());
        assertEquals(List.of(MARKETO), lead.parked().orElseThrow().fields());
        assertEquals(List.of(PushOutcome.WRITTEN, PushOutcome.PARKED), lead.results().stream().map(OptOutPushResult::getOutcome).toList());
        assertTrue(lead.deadLetter().isEmpty(), "parked, not lost");
    }

    @Test
    void fieldRefusedByTheWriteParksInsteadOfDeadLettering() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: HasOptedOutOfEmail"));
        OptOutPusher.Decision decision = pusher.push(List.of(recorded(CONTACT)), 1).getFirst();
        assertTrue(decision.deadLetter().isEmpty());
        assertEquals(List.of("HasOptedOutOfEmail"), decision.parked().orElseThrow().fields());
        assertTrue(fieldCheck.problems().containsKey("Contact.HasOptedOutOfEmail"));
    }

    @Test
    void parkedEventComingBackWritesOnlyTheFieldsItWaitedFor() {
        syncEnabled(true, true);
        var parked = new OptOutPusher.Inbound("p@example.com", recorded(LEAD).event(), List.of(MARKETO));
        pusher.push(List.of(parked), 1);
        assertEquals(List.of(MARKETO), salesforce.written().getFirst().fields());
    }

    @Test
    void convertedLeadIsFollowedToItsContact() {
        salesforce.perRecord.put(LEAD, RecordResult.refused("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"));
        salesforce.successors.put(LEAD, CONTACT);
        OptOutPushResult result = only(pusher.push(List.of(recorded(LEAD)), 1).getFirst());
        assertEquals(PushOutcome.WRITTEN, result.getOutcome());
        assertEquals(CONTACT, result.getSalesforceId());
        assertEquals("Contact", result.getObjectType());
        assertEquals(List.of(LEAD, CONTACT), salesforce.written().stream().map(RecordUpdate::id).toList());
    }

    @Test
    void mergedRecordIsFollowedToItsMaster() {
        String master = SalesforceId.parse("003000000000002").to18();
        salesforce.perRecord.put(CONTACT, RecordResult.refused("ENTITY_IS_DELETED", "entity is deleted"));
        salesforce.successors.put(CONTACT, master);
        assertEquals(master, only(pusher.push(List.of(recorded(CONTACT)), 1).getFirst()).getSalesforceId());
    }

    @Test
    void permanentSalesforceErrorGoesToDeadLetterWithSalesforcesCode() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("ENTITY_IS_DELETED", "entity is deleted"));
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(LEAD)), 1);
        assertEquals("ENTITY_IS_DELETED", decisions.getFirst().deadLetter().orElseThrow().code());
        assertEquals(PushOutcome.REJECTED, only(decisions.getFirst()).getOutcome());
        assertEquals(PushOutcome.WRITTEN, only(decisions.get(1)).getOutcome());
    }

    @Test
    void lockedRowIsTriedAgainAloneAndTheOthersAreNotHeldUp() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access"));
        List<OptOutPusher.Decision> decisions = pusher.push(List.of(recorded(CONTACT), recorded(LEAD)), 1);
        assertEquals(PushOutcome.WRITTEN, only(decisions.get(1)).getOutcome(), "the Lead is written whatever the Contact's lock");
        OptOutPusher.Decision locked = decisions.getFirst();
        assertEquals(List.of("HasOptedOutOfEmail"), locked.parked().orElseThrow().fields(), "sent on the retry path, not lost");
        assertEquals("RETRY_LATER", only(locked).getSalesforceErrorCode());
        assertTrue(locked.deadLetter().isEmpty());
        assertEquals(List.of(2, 1, 1, 1), salesforce.calls.stream().map(List::size).toList(), "the locked record alone is tried three more times");
        assertEquals(List.of(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(400)), pauses);
    }

    @Test
    void lockedRowThatFreesUpWithinTheBatchIsWritten() {
        salesforce.callOutcome = updates -> new Outcome.Ok<>(updates.stream()
                .map(u -> salesforce.calls.size() == 1 ? RecordResult.refused("UNABLE_TO_LOCK_ROW", "locked") : RecordResult.saved()).toList());
        assertEquals(PushOutcome.WRITTEN, only(pusher.push(List.of(recorded(CONTACT)), 1).getFirst()).getOutcome());
    }

    @Test
    void lockedRowOnTheRetryPathBacksOffThatPathOnly() {
        salesforce.perRecord.put(CONTACT, RecordResult.refused("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access"));
        var retried = new OptOutPusher.Inbound("p@example.com", recorded(CONTACT).event(), List.of("HasOptedOutOfEmail"));
        assertThrows(TransientPushFailure.class, () -> pusher.push(List.of(retried), 1));
    }

    @Test
    void unreachableOrFailingSalesforceFailsTheBatchForRetry() {
        List<Outcome<List<RecordResult>>> failures = List.of(new Outcome.NetworkError<>("refused"),
                new Outcome.ServerError<>(503, "SERVER_UNAVAILABLE", "down"),
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
        assertEquals(1, salesforce.written().size());
        assertEquals(PushOutcome.WRITTEN, only(decisions.get(0)).getOutcome());
        assertEquals(PushOutcome.WRITTEN, only(decisions.get(1)).getOutcome());
        assertEquals(2, only(decisions.get(1)).getAttempts());
    }

    @Test
    void sameUnsubscribeDeliveredAgainSpendsNoApiCallAndReportsTheSameOutcome() {
        OptOutPusher.Inbound event = recorded(CONTACT);
        pusher.push(List.of(event), 1);
        OptOutPushResult again = only(pusher.push(List.of(event), 1).getFirst());
        assertEquals(1, salesforce.calls.size());
        assertEquals(PushOutcome.WRITTEN, again.getOutcome());
        assertEquals(List.of("HasOptedOutOfEmail"), again.getFieldsWritten());
    }

    @Test
    void aNewUnsubscribeForARecordWrittenMomentsAgoIsWrittenAgain() {
        pusher.push(List.of(recorded(CONTACT)), 1);
        pusher.push(List.of(recorded(CONTACT)), 1);
        assertEquals(2, salesforce.written().size(), "someone may have unchecked it in Salesforce in between");
    }

    @Test
    void withoutMemoryOfRecentWritesTheSameUnsubscribeWritesAtMostOnceMore() {
        OptOutPusher forgetful = new OptOutPusher(salesforce, Clock.fixed(NOW, ZoneOffset.UTC), settings::get, fieldCheck,
                Executors.newSingleThreadExecutor(), new RecentWrites(java.time.Duration.ZERO, 1000), pauses::add, people, true);
        OptOutPusher.Inbound event = recorded(CONTACT);
        forgetful.push(List.of(event), 1);
        forgetful.push(List.of(event), 1);
        assertEquals(2, salesforce.written().size());
    }

    @Test
    void largeBatchesAreSplitIntoCallsOfAtMostTwoHundred() {
        List<OptOutPusher.Inbound> batch = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            batch.add(recorded(SalesforceId.of("003", String.format("%012d", i + 1)).to18()));
        }
        List<OptOutPusher.Decision> decisions = pusher.push(batch, 1);
        assertEquals(List.of(50, 200, 200), salesforce.calls.stream().map(List::size).sorted().toList());
        assertEquals(450, decisions.size());
    }
}
