package dev.unsubsync.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimeTest {

    @Test
    void writesWhatInstantToStringWrites() {
        SplittableRandom random = new SplittableRandom(42);
        long[] edges = {0, 1, -1, 999, 1000, -1000, 86_399_999, 86_400_000, Instant.parse("0001-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), Long.MAX_VALUE, Long.MIN_VALUE, 1_767_225_600_000L};
        for (long millis : edges) {
            assertEquals(Instant.ofEpochMilli(millis).toString(), IsoTime.of(millis), String.valueOf(millis));
        }
        IsoTime time = new IsoTime();
        JsonOut out = new JsonOut();
        long at = 1_767_225_600_000L;
        for (int i = 0; i < 200_000; i++) {
            // Mostly close together (the instance's cached second), sometimes anywhere, now and then before the last.
            at = i % 100 == 0 ? random.nextLong(-62_000_000_000_000L, 253_000_000_000_000L) : at + random.nextInt(-300, 700);
            assertEquals(Instant.ofEpochMilli(at).toString(), IsoTime.of(at), String.valueOf(at));
            time.write(at, out);
            assertEquals('"' + Instant.ofEpochMilli(at).toString() + '"', out.drain(), String.valueOf(at));
        }
    }
}
