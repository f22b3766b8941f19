package dev.unsubsync.pusher.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AllowanceGovernorTest {

    private final AllowanceGovernor governor = new AllowanceGovernor(0.9, Duration.ofSeconds(30));

    @Test
    void noPauseBelowTheSlowdownShare() {
        assertEquals(Duration.ZERO, governor.pauseBefore(8_999, 10_000));
    }

    @Test
    void pauseGrowsLinearlyAboveTheShareUpToTheMaximumAtTheLimit() {
        assertEquals(Duration.ZERO, governor.pauseBefore(9_000, 10_000));
        assertEquals(Duration.ofSeconds(15), governor.pauseBefore(9_500, 10_000));
        assertEquals(Duration.ofSeconds(30), governor.pauseBefore(10_000, 10_000));
        assertEquals(Duration.ofSeconds(30), governor.pauseBefore(10_500, 10_000));
    }

    @Test
    void unknownUsageDoesNotPause() {
        assertEquals(Duration.ZERO, governor.pauseBefore(-1, -1));
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AllowanceGovernor(1.0, Duration.ofSeconds(1)));
    }
}
