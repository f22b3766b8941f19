package dev.unsubsync.reconciler.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.schemas.SalesforceId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a full load knows of salesforce-records before it reads Salesforce: by ID, exact, compact. */
class RecordImageTest {

    private static final String ADA = SalesforceId.of("003", "Dn00000000aA").to18();
    private static final String BEA = SalesforceId.of("00Q", "Dn00000000aa").to18();

    @Test
    void aRecordReadWithTheFingerprintTheTopicHoldsNeedsNoWriteAndAnyOtherDoes() {
        RecordImage image = new RecordImage(0);
        image.put(ADA, 42);
        image.put(BEA, 0);
        assertTrue(image.readUnchanged(ADA, 42));
        assertFalse(image.readUnchanged(ADA, 43), "changed");
        assertFalse(image.readUnchanged(BEA, 0), "written before fingerprints: counts as changed");
        assertFalse(image.readUnchanged(SalesforceId.of("003", "Dn00000000ab").to18(), 42), "new");
        assertFalse(image.readUnchanged(ADA.toLowerCase(), 42), "IDs differ by case in their first 15 characters");

        image.put(BEA.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 7);
        assertTrue(image.readUnchanged(BEA, 7), "read from the topic's key bytes, looked up by the record's ID");
    }

    @Test
    void whatTheLoadDidNotReadIsNamedByItsEighteenCharacterIdAndTombstonedRecordsAreNot() {
        RecordImage image = new RecordImage(0);
        image.put(ADA, 1);
        image.put(BEA, 2);
        String gone = SalesforceId.of("003", "zZ9000000001").to18();
        image.put(gone, 3);
        String deleted = SalesforceId.of("003", "zZ9000000002").to18();
        image.put(deleted, 4);
        image.remove(deleted);
        image.put("~sweep", 5);
        assertEquals(3, image.size(), "the tombstoned record and the marker's key are not records");

        image.readUnchanged(ADA, 1);
        image.readUnchanged(BEA, 9);
        List<String> unread = new ArrayList<>();
        image.removeUnread(unread::add);
        assertEquals(List.of(gone), unread);
    }

    @Test
    void aKeptImageKnowsWhatTheLoadWroteAndWhatItTombstonedAndForgetsWhatWasRead() {
        RecordImage image = new RecordImage(0);
        image.put(ADA, 1);
        image.put(BEA, 2);
        image.written(ADA, 3);
        String cyd = SalesforceId.of("003", "Dn00000000cC").to18();
        image.written(cyd, 4);
        List<String> gone = new ArrayList<>();
        image.removeUnread(gone::add);
        assertEquals(List.of(BEA), gone, "a record the load wrote, new or changed, was read");
        assertEquals(2, image.size());

        image.forgetReads();
        assertTrue(image.readUnchanged(ADA, 3));
        assertFalse(image.readUnchanged(BEA, 2), "tombstoned");
        List<String> next = new ArrayList<>();
        image.removeUnread(next::add);
        assertEquals(List.of(cyd), next, "the next load starts with nothing read");
    }

    @Test
    void aRecordWrittenAgainAfterItsTombstoneIsHeldAgain() {
        RecordImage image = new RecordImage(0);
        image.put(ADA, 1);
        image.remove(ADA);
        assertFalse(image.readUnchanged(ADA, 1), "the topic's latest value is a tombstone");
        image.put(ADA, 2);
        assertEquals(1, image.size());
        assertTrue(image.readUnchanged(ADA, 2));
    }

    @Test
    void aHundredThousandRandomIdsSurviveGrowingAndComeBackExactly() {
        Random random = new Random(7);
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Set<String> ids = new HashSet<>();
        while (ids.size() < 100_000) {
            StringBuilder number = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                number.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ids.add(SalesforceId.of(random.nextBoolean() ? "003" : "00Q", number.toString()).to18());
        }
        RecordImage image = new RecordImage(10);
        ids.forEach(id -> image.put(id, id.hashCode() | 1L));
        assertEquals(ids.size(), image.size());
        List<String> read = new ArrayList<>(ids).subList(0, 50_000);
        read.forEach(id -> assertTrue(image.readUnchanged(id, id.hashCode() | 1L), id));
        Set<String> unread = new HashSet<>();
        image.removeUnread(unread::add);
        Set<String> expected = new HashSet<>(ids);
        read.forEach(expected::remove);
        assertEquals(expected, unread);
    }
}
