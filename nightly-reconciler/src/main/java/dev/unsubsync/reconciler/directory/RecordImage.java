package dev.unsubsync.reconciler.directory;

import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.SalesforceId;
import java.util.function.Consumer;

/**
 * What {@code salesforce-records} holds before a full load: each record's 18-character ID and the fingerprint of what was
 * written for it ({@link DirectoryReads#fingerprint}), and which IDs the load has read since. A record the load reads with
 * the fingerprint it already has on the topic needs no write; a record the load never read is gone from Salesforce.
 *
 * <p>Compact on purpose, for a few million records: an ID is held as its first 15 characters (the last three are a
 * checksum of them), six bits a character in two longs, beside the fingerprint: 24 bytes a slot in three open-addressed
 * arrays, about 50–100 MiB for 2,000,000 records. Not thread-safe: the directory's one reader thread.
 */
@FrameworkFree
public final class RecordImage {

    /** In {@code high}: the slot holds an ID (an empty slot is 0). */
    private static final long USED = 1L << 62;
    /** In {@code low}: the load read this ID. */
    private static final long SEEN = 1L << 62;
    /** In {@code low}: the topic's latest value for this ID is a tombstone. */
    private static final long GONE = 1L << 61;
    private static final long ID_BITS = (1L << 60) - 1;

    private long[] high;
    private long[] low;
    private long[] fingerprints;
    private int used;
    private int present;
    /** The ID last packed, as {@link #slot} looks it up (one thread: no object made per lookup). */
    private long packedHigh;
    private long packedLow;

    /** @param expected how many IDs the topic is likely to hold (the table grows past it) */
    public RecordImage(int expected) {
        // The smallest power of two that holds the expected IDs at most 70% full.
        int capacity = Integer.highestOneBit((int) Math.max(16, Math.min(1 << 28, expected * 10L / 7)) - 1) << 1;
        high = new long[capacity];
        low = new long[capacity];
        fingerprints = new long[capacity];
    }

    /**
     * The topic holds {@code id} with this fingerprint (0 when the record was written without one: it counts as changed).
     * IDs that are not 15 or 18 letters and digits are not records (an old sweep marker's key) and are ignored.
     */
    public void put(String id, long fingerprint) {
        if (pack(id)) {
            put(fingerprint);
        }
    }

    /** As {@link #put(String, long)}, the ID as the topic's key bytes (ASCII): no string made per record. */
    public void put(byte[] id, long fingerprint) {
        if (pack(id)) {
            put(fingerprint);
        }
    }

    /** The topic's latest value for {@code id} (its key bytes) is a tombstone. */
    public void remove(byte[] id) {
        if (pack(id)) {
            remove();
        }
    }

    /** The topic's latest value for {@code id} is a tombstone. */
    public void remove(String id) {
        if (pack(id)) {
            remove();
        }
    }

    /**
     * The load read {@code id} with this fingerprint: true when the topic already holds exactly that (nothing to write).
     * A fingerprint of 0 never matches.
     */
    public boolean readUnchanged(String id, long fingerprint) {
        int slot = pack(id) ? slot(false) : -1;
        if (slot < 0 || (low[slot] & GONE) != 0) {
            return false;
        }
        low[slot] |= SEEN;
        return fingerprint != 0 && fingerprints[slot] == fingerprint;
    }

    /**
     * The load wrote {@code id} with this fingerprint (new or changed): the topic holds it now, and the load read it (the
     * sweep leaves it alone).
     */
    public void written(String id, long fingerprint) {
        if (pack(id)) {
            int slot = slot(true);
            low[slot] = low[slot] & ~GONE | SEEN;
            fingerprints[slot] = fingerprint;
        }
    }

    /** Forgets which IDs were read: the image, kept, is ready for the next load. */
    public void forgetReads() {
        for (int slot = 0; slot < low.length; slot++) {
            low[slot] &= ~SEEN;
        }
    }

    /**
     * Every ID the topic holds that the load did not read — records gone from Salesforce since the topic last heard of
     * them — handed to {@code action} (which tombstones it) and from then on held as tombstoned.
     */
    public void removeUnread(Consumer<String> action) {
        for (int slot = 0; slot < high.length; slot++) {
            if (high[slot] != 0 && (low[slot] & (SEEN | GONE)) == 0) {
                action.accept(idOf(high[slot], low[slot]));
                low[slot] |= GONE;
                present--;
            }
        }
    }

    /** How many IDs the topic holds (tombstoned ones not counted). */
    public int size() {
        return present;
    }

    private void put(long fingerprint) {
        int slot = slot(true);
        low[slot] &= ~GONE;
        fingerprints[slot] = fingerprint;
    }

    private void remove() {
        int slot = slot(false);
        if (slot >= 0 && (low[slot] & GONE) == 0) {
            low[slot] |= GONE;
            present--;
        }
    }

    /** Packs an ID's first 15 characters into {@link #packedHigh} and {@link #packedLow}; false when it is not an ID. */
    private boolean pack(String id) {
        return id != null && pack(id, null, id.length());
    }

    private boolean pack(byte[] id) {
        return id != null && pack(null, id, id.length);
    }

    /** One of {@code text} and {@code bytes} (ASCII) holds the ID: one loop for both, no string made from the bytes. */
    private boolean pack(String text, byte[] bytes, int length) {
        if (length != 15 && length != 18) {
            return false;
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 15; i++) {
            int code = code(text != null ? text.charAt(i) : (char) (bytes[i] & 0xFF));
            if (code < 0) {
                return false;
            }
            if (i < 10) {
                h = h << 6 | code;
            } else {
                l = l << 6 | code;
            }
        }
        packedHigh = h | USED;
        packedLow = l;
        return true;
    }

    /** The slot of the packed ID: found, or (when {@code add}) taken; -1 when absent. */
    private int slot(boolean add) {
        long h = packedHigh;
        long l = packedLow;
        if (add && (used + 1) * 10L > high.length * 7L) {
            grow();
        }
        int mask = high.length - 1;
        for (int slot = spread(h, l) & mask;; slot = (slot + 1) & mask) {
            if (high[slot] == 0) {
                if (!add) {
                    return -1;
                }
                high[slot] = h;
                low[slot] = l;
                used++;
                present++;
                return slot;
            }
            if (high[slot] == h && (low[slot] & ID_BITS) == l) {
                if (add && (low[slot] & GONE) != 0) {
                    present++;
                }
                return slot;
            }
        }
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        long[] oldFingerprints = fingerprints;
        high = new long[oldHigh.length * 2];
        low = new long[oldHigh.length * 2];
        fingerprints = new long[oldHigh.length * 2];
        int mask = high.length - 1;
        for (int from = 0; from < oldHigh.length; from++) {
            if (oldHigh[from] != 0) {
                int slot = spread(oldHigh[from], oldLow[from] & ID_BITS) & mask;
                while (high[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                high[slot] = oldHigh[from];
                low[slot] = oldLow[from];
                fingerprints[slot] = oldFingerprints[from];
            }
        }
    }

    private static int spread(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L ^ l * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return (int) (x ^ x >>> 29);
    }

    private static String idOf(long h, long l) {
        char[] chars = new char[15];
        for (int i = 9; i >= 0; i--, h >>>= 6) {
            chars[i] = character((int) (h & 63));
        }
        for (int i = 14; i >= 10; i--, l >>>= 6) {
            chars[i] = character((int) (l & 63));
        }
        return SalesforceId.parse(new String(chars)).to18();
    }

    private static int code(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }

    private static char character(int code) {
        return (char) (code < 10 ? '0' + code : code < 36 ? 'A' + code - 10 : 'a' + code - 36);
    }
}
