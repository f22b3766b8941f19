package dev.unsubsync.kit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbTest {

    private static final long BUDGET = 12L * 1024 * 1024;

    @Test
    void everyStoreSharesOneCacheOfTheBudgetAndStaysWithinItUnderLoad(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        BoundedRocksDb setter = new BoundedRocksDb();
        List<Options> options = new ArrayList<>();
        List<RocksDB> stores = new ArrayList<>();
        try {
            for (String name : List.of("directory-records", "directory-people")) {
                // As Kafka Streams hands it over: its own table config set, then the setter called.
                Options store = new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig());
                setter.setConfig(name, store, Map.of(BoundedRocksDb.MEMORY_CONFIG, String.valueOf(BUDGET)));
                options.add(store);
                stores.add(RocksDB.open(store, dir.resolve(name).toString()));
            }
            // 4 x the budget into each store (random values: nothing compresses), then everything read back.
            Random random = new Random(12);
            byte[] value = new byte[1024];
            int keys = (int) (4 * BUDGET / value.length);
            for (RocksDB store : stores) {
                for (int key = 0; key < keys; key++) {
                    random.nextBytes(value);
                    store.put(ByteBuffer.allocate(4).putInt(key).array(), value);
                }
            }
            for (RocksDB store : stores) {
                for (int key = 0; key < keys; key++) {
                    assertEquals(value.length, store.get(ByteBuffer.allocate(4).putInt(key).array()).length);
                }
            }
            for (RocksDB store : stores) {
                assertEquals(BUDGET, store.getLongProperty("rocksdb.block-cache-capacity"));
                // The limit is not strict: entries in use (pinned: open memtables' reservations, top-level indexes) may
                // take it over; everything else is evicted down to it.
                long usage = store.getLongProperty("rocksdb.block-cache-usage");
                long pinned = store.getLongProperty("rocksdb.block-cache-pinned-usage");
                assertTrue(usage > 0 && usage - pinned <= BUDGET, "cache usage " + usage + " (" + pinned + " pinned) within the budget " + BUDGET);
            }
            // One cache: what one store reads shows in the usage the other reports.
            assertEquals(stores.get(0).getLongProperty("rocksdb.block-cache-usage"), stores.get(1).getLongProperty("rocksdb.block-cache-usage"));
        } finally {
            stores.forEach(RocksDB::close);
            options.forEach(store -> {
                setter.close("store", store);
                store.close();
            });
        }
    }

    @Test
    void aStoreWithoutABudgetIsRefused() {
        RocksDB.loadLibrary();
        try (Options store = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> new BoundedRocksDb().setConfig("directory-people", store, Map.of()));
            assertTrue(refused.getMessage().contains(BoundedRocksDb.MEMORY_CONFIG), refused.getMessage());
        }
    }
}
