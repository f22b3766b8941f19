package dev.unsubsync.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class LocalStackTest {

    @Test
    void clusterIdsNeverStartWithADashSoTheFormatToolReadsThemAsValues() {
        for (int i = 0; i < 10_000; i++) {
            String id = LocalKafka.clusterId();
            assertEquals(22, id.length());
            assertFalse(id.startsWith("-"), id);
        }
    }
}
