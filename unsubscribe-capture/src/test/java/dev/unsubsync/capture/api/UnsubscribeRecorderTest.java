package dev.unsubsync.capture.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class UnsubscribeRecorderTest {

    @org.junit.jupiter.api.BeforeAll
    static void trustEventClasses() {
        // Avro refuses to copy our generated classes (a builder from an event) until they are trusted, as every service does at start-up.
        dev.unsubsync.schemas.EventClasses.trust();
    }

    private static final Instant NOW = Instant.parse("2026-11-28T18:00:00Z");

    private final List<Map.Entry<String, SpecificRecord>> published = new ArrayList<>();
    private final UnsubscribeRecorder recorder = new UnsubscribeRecorder(
            (key, event) -> published.add(Map.entry(key, event)), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

    private static UnsubscribeRequest request(String email, String salesforceId, String source) {
        return new UnsubscribeRequest(email, salesforceId, source, null, null, null, null, null, null);
    }

    @Test
    void recordsAContactUnsubscribeKeyedByTheLowerCasedEmail() {
        UnsubscribeRecorded event = recorder.record(request(" Ada.Lovelace@Example.com ", "003000000000001", "link_click"), "api");
        assertEquals(1, published.size());
        assertEquals("ada.lovelace@example.com", published.getFirst().getKey());
        assertEquals("Ada.Lovelace@Example.com", event.getEmail());
        assertEquals("003000000000001AAA", event.getSalesforceId());
        assertEquals(PersonType.CONTACT, event.getPersonType());
        assertEquals(UnsubscribeSource.LINK_CLICK, event.getSource());
        assertEquals(UnsubscribeScope.ALL_EMAIL, event.getScope());
        assertEquals(NOW, event.getRecordedAt());
        assertEquals(NOW, event.getOccurredAt());
        assertEquals("api", event.getOrigin());
    }

    @Test
    void aProvidersResubscribeKeepsTheProvidersTimeSoItIsOrderedAgainstUnsubscribes() {
        Instant anHourAgo = NOW.minusSeconds(3600);
        assertEquals(anHourAgo, recorder.remove("ada@example.com", "ses: list re-subscribed", "ses", null, anHourAgo).getOccurredAt());
        assertEquals(NOW, recorder.remove("ada@example.com", "ses: list re-subscribed", "ses", null, NOW.plusSeconds(60)).getOccurredAt(),
                "a time ahead of ours cannot outrank unsubscribes still to come");
        assertEquals(NOW, recorder.remove("ada@example.com", "by phone", "admin").getOccurredAt(), "an admin's removal happens now");
    }

    @Test
    void anInternationalisedLocalPartIsAcceptedAndKeyedLowerCased() {
        UnsubscribeRecorded event = recorder.record(request("Jöns.Öberg@Bücher.example", null, "api"), "api");
        assertEquals("Jöns.Öberg@Bücher.example", event.getEmail(), "kept as received");
        assertEquals("jöns.öberg@xn--bcher-kva.example", published.getFirst().getKey());
        assertThrows(InvalidUnsubscribeException.class, () -> recorder.record(request("jöns @example.com", null, "api"), "api"), "no spaces");
    }

    @Test
    void fifteenCharacterLeadIdIsStoredInItsEighteenCharacterForm() {
        UnsubscribeRecorded event = recorder.record(request("x@example.com", "00QDn000000001a", "api"), "api");
        assertEquals(18, event.getSalesforceId().length());
        assertEquals(PersonType.LEAD, event.getPersonType());
    }

    @Test
    void unsubscribeWithoutSalesforceIdIsRecordedWithUnknownPersonType() {
        UnsubscribeRecorded event = recorder.record(request("x@example.com", null, "manual"), "api");
        assertNull(event.getSalesforceId());
        assertEquals(PersonType.UNKNOWN, event.getPersonType());
    }

    @Test
    void everyProblemOfARequestIsReportedAtOnceAndNothingIsPublished() {
        var e = assertThrows(InvalidUnsubscribeException.class, () -> recorder.record(
                new UnsubscribeRequest("not-an-email", "001M000000qfPyS", "carrier_pigeon", null, "everything", "yesterday", null, null, null), "api"));
        List<String> fields = e.errors().stream().map(FieldError::field).toList();
        assertEquals(List.of("email", "salesforceId", "source", "scope", "occurredAt"), fields);
        assertTrue(e.errors().get(1).message().contains("prefix was 001"), e.errors().get(1).message());
        assertTrue(published.isEmpty());
    }

    @Test
    void salesforceIdWithABadChecksumIsRefused() {
        var e = assertThrows(InvalidUnsubscribeException.class, () -> recorder.record(request("x@example.com", "003000000000001ZZZ", "api"), "api"));
        assertTrue(e.errors().getFirst().message().contains("checksum"));
    }

    @Test
    void providerIsRequiredForProviderWebhooks() {
        var e = assertThrows(InvalidUnsubscribeException.class, () -> recorder.record(request("x@example.com", null, "provider_webhook"), "api"));
        assertEquals("provider", e.errors().getFirst().field());
    }

    @Test
    void anOccurredAtInTheFutureIsRefusedButSmallClockSkewIsTolerated() {
        assertThrows(InvalidUnsubscribeException.class, () -> recorder.record(
                new UnsubscribeRequest("x@example.com", null, "api", null, null, "2026-11-28T19:00:00Z", null, null, null), "api"));
        UnsubscribeRecorded event = recorder.record(
                new UnsubscribeRequest("x@example.com", null, "api", null, "sales_email", "2026-11-28T18:02:00Z", "too many emails", "evt-1", null), "api");
        assertEquals(Instant.parse("2026-11-28T18:02:00Z"), event.getOccurredAt());
        assertEquals(UnsubscribeScope.SALES_EMAIL, event.getScope());
        assertEquals("too many emails", event.getReason());
        assertEquals("evt-1", event.getUpstreamEventId());
    }

    @Test
    void anEventThatIsNotDurableIsNotReportedAsRecorded() {
        UnsubscribeRecorder failing = new UnsubscribeRecorder((key, event) -> {
            throw new EventNotDurableException("broker down", null);
        }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
        assertThrows(EventNotDurableException.class, () -> failing.record(request("x@example.com", null, "api"), "api"));
    }

    @Test
    void anInternationalisedDomainIsAcceptedKeptAsReceivedAndKeyedInItsAsciiForm() {
        UnsubscribeRecorded event = recorder.record(request("Anna.Schmidt+news@Bücher.de", null, "api"), "api");
        assertEquals("Anna.Schmidt+news@Bücher.de", event.getEmail());
        assertEquals("anna.schmidt+news@xn--bcher-kva.de", published.getLast().getKey());
    }

    @Test
    void aRetryWithTheSameKeyIsTheSameEventAndWritesNothingMore() {
        UnsubscribeRecorder.Recorded first = recorder.record(request("retry@example.com", null, "api"), "crm", "key-1");
        UnsubscribeRecorder.Recorded again = recorder.record(request("Retry@Example.com", null, "api"), "crm", "key-1");
        assertEquals(first.event().getEventId(), again.event().getEventId());
        assertTrue(again.replayed());
        assertEquals(1, published.size(), "written once");
        UnsubscribeRecorder.Recorded otherCaller = recorder.record(request("retry@example.com", null, "api"), "mailer", "key-1");
        assertTrue(!otherCaller.event().getEventId().equals(first.event().getEventId()), "keys are per caller");

        InvalidUnsubscribeException reused = assertThrows(InvalidUnsubscribeException.class,
                () -> recorder.record(request("someone.else@example.com", null, "api"), "crm", "key-1"));
        assertEquals("Idempotency-Key", reused.errors().getFirst().field());
    }

    @Test
    void theUpstreamEventIdIsTheKeyWhenNoHeaderIsGiven() {
        UnsubscribeRequest withId = new UnsubscribeRequest("up@example.com", null, "provider_webhook", "mailgun", null, null, null, "evt-42", null);
        String first = recorder.record(withId, "mailgun", null).event().getEventId();
        assertEquals(first, recorder.record(withId, "mailgun", null).event().getEventId());
        assertEquals(1, published.size());
        UnsubscribeRequest withoutId = new UnsubscribeRequest("up@example.com", null, "api", null, null, null, null, null, null);
        assertTrue(!recorder.record(withoutId, "api", null).event().getEventId().equals(recorder.record(withoutId, "api", null).event().getEventId()),
                "no key: every request is a new event");
    }

    @Test
    void aBatchItemWithAnUpstreamIdGetsTheSameEventIdAsASingleRequestWithIt() {
        UnsubscribeRequest item = new UnsubscribeRequest("batch@example.com", null, "api", null, null, null, null, "evt-7", null);
        String single = recorder.record(item, "crm", null).event().getEventId();
        assertEquals(single, recorder.recordAll(List.of(item), "crm").getFirst().recorded().getEventId());
    }
}
