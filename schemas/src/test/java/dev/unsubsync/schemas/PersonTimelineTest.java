package dev.unsubsync.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.PersonHistory;
import dev.unsubsync.events.PersonType;
import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.events.UnsubscribeRemoved;
import dev.unsubsync.events.UnsubscribeScope;
import dev.unsubsync.events.UnsubscribeSource;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class PersonTimelineTest {

    @org.junit.jupiter.api.BeforeAll
    static void trustEventClasses() {
        // Avro refuses to copy our generated classes (a builder from an event) until they are trusted, as every service does at start-up.
        dev.unsubsync.schemas.EventClasses.trust();
    }

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void anOlderResubscribeArrivingAfterANewerUnsubscribeUndoesNothing() {
        PersonTimeline.State state = state(unsubscribe("u1", NOW, null), resubscribe("r1", NOW.minusSeconds(3600), null));
        assertTrue(state.unsubscribed(), "a retried re-subscribe from an hour ago is older than the unsubscribe");
    }

    @Test
    void aNewerResubscribeOrAnAdminsRemovalTakesEffect() {
        assertFalse(state(unsubscribe("u1", NOW, null), resubscribe("r1", NOW.plusSeconds(60), null)).unsubscribed());
        assertFalse(state(unsubscribe("u1", NOW, null), resubscribe("r1", NOW, null)).unsubscribed(), "at the same instant the removal wins");
    }

    @Test
    void anAdminsRemovalAfterAnUnsubscribeStampedALittleAheadOfOurClockTakesEffect() {
        // Recorded at NOW + 1 s with the sender's clock 2 min ahead; the admin removes it at NOW + 5 s.
        PersonTimeline.State state = state(unsubscribe("u1", NOW.plusSeconds(120), null), resubscribe("r1", NOW.plusSeconds(5), null));
        assertFalse(state.unsubscribed(), "ordered by when it reached us, not by a clock ahead of ours");
    }

    @Test
    void anOlderUnsubscribeArrivingLateStillTakesEffect() {
        PersonTimeline.State state = state(unsubscribe("u1", NOW, null), resubscribe("r1", NOW.plusSeconds(60), null),
                unsubscribe("u0", NOW.minusSeconds(600), null));
        assertTrue(state.unsubscribed(), "an unsubscribe is never the unsafe direction");
    }

    @Test
    void aTopicsReSubscribeIsOrderedTheSameWay() {
        PersonTimeline.State state = state(unsubscribe("u1", NOW, "weekly"), resubscribe("r1", NOW.minusSeconds(60), "weekly"),
                unsubscribe("u2", NOW, "daily"), resubscribe("r2", NOW.plusSeconds(60), "daily"));
        assertEquals(List.of("weekly"), state.topics());
        assertFalse(state.unsubscribed());
    }

    private static PersonTimeline.State state(SpecificRecord... events) {
        PersonHistory history = PersonHistory.newBuilder().setEntries(List.of()).build();
        for (SpecificRecord event : events) {
            history = PersonTimeline.append(history, PersonTimeline.entry(event));
        }
        return PersonTimeline.state("ada@example.com", history);
    }

    private static UnsubscribeRecorded unsubscribe(String id, Instant occurred, String topic) {
        return UnsubscribeRecorded.newBuilder().setEventId(id).setEmail("ada@example.com").setPersonType(PersonType.UNKNOWN)
                .setSource(UnsubscribeSource.PROVIDER_WEBHOOK).setScope(UnsubscribeScope.ALL_EMAIL).setOccurredAt(occurred)
                .setRecordedAt(NOW.plusSeconds(1)).setTopic(topic).build();
    }

    private static UnsubscribeRemoved resubscribe(String id, Instant occurred, String topic) {
        return UnsubscribeRemoved.newBuilder().setEventId(id).setEmail("ada@example.com").setRemovedBy("ses").setOccurredAt(occurred)
                .setRecordedAt(NOW.plusSeconds(5)).setTopic(topic).build();
    }
}
