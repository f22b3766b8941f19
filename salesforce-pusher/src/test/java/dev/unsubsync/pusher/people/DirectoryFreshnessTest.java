package dev.unsubsync.pusher.people;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.DirectoryState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the pusher trusts the people directory to list every record of a person (else it looks emails up live). */
class DirectoryFreshnessTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration MAX_AGE = Duration.ofMinutes(15);

    @Test
    void aDirectoryWithNoStateIsNotTrusted() {
        assertFalse(PeopleDirectory.refreshed(null, NOW, MAX_AGE), "no reconciler keeps it (or its directory is off)");
    }

    @Test
    void aDirectoryWhoseFirstFullLoadHasNotEndedIsNotTrusted() {
        DirectoryState loading = DirectoryState.newBuilder().setFullLoadStartedAt(NOW.minusSeconds(30)).setLastPollAt(NOW).build();
        assertFalse(PeopleDirectory.refreshed(loading, NOW, MAX_AGE));
    }

    @Test
    void aDirectoryPolledRecentlyIsTrustedAndOneNotReadForLongerThanItsMaxAgeIsNot() {
        DirectoryState polled = DirectoryState.newBuilder().setFullLoadEndedAt(NOW.minus(Duration.ofHours(20)))
                .setLastPollAt(NOW.minus(Duration.ofMinutes(1))).build();
        assertTrue(PeopleDirectory.refreshed(polled, NOW, MAX_AGE));
        assertFalse(PeopleDirectory.refreshed(polled, NOW.plus(MAX_AGE), MAX_AGE), "the reconciler stopped polling");
        DirectoryState justLoaded = DirectoryState.newBuilder().setFullLoadEndedAt(NOW.minusSeconds(5)).build();
        assertTrue(PeopleDirectory.refreshed(justLoaded, NOW, MAX_AGE));
    }
}
