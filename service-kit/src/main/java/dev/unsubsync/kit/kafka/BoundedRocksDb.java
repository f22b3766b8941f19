package dev.unsubsync.kit.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Puts every RocksDB store of a service under one memory budget. Left to Kafka Streams' defaults, each store instance (a
 * store on one partition) gets its own block cache of up to 50 MiB and up to three 16 MiB memtables; the reconciler opens
 * about thirty of them, so what a service holds off the heap grows with the tasks it runs, and an instance that takes over
 * its peers' tasks can outgrow its container (seen in the cluster fault test). Here all of them share one LRU cache of
 * the budget, holding data, index and filter blocks, and their memtables are charged to that cache (at most half of it),
 * so a write-heavy store flushes sooner instead of growing. {@link #apply} sets it up in a service's Streams settings.
 *
 * <p>The cache lives as long as the process, made when the first store is configured.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** The Streams setting (passed through Streams' config) that carries the budget, in bytes. */
    public static final String MEMORY_CONFIG = "unsubsync.rocksdb.memory.bytes";

    /** Share of the cache kept for index and filter blocks, which every read needs. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;

    /** The shared cache of each budget in use: one in a service; a test JVM may run Streams with another. */
    private static final Map<Long, Budget> BUDGETS = new HashMap<>();

    /** Streams settings {@code props} with every store under a budget of {@code mib} MiB. */
    public static void apply(Map<Object, Object> props, int mib) {
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.put(MEMORY_CONFIG, mib * 1024L * 1024L);
    }

    private record Budget(Cache cache, WriteBufferManager writeBuffers) {
    }

    private static synchronized Budget budget(Map<String, Object> configs) {
        Object configured = configs.get(MEMORY_CONFIG);
        if (configured == null) {
            throw new IllegalStateException(MEMORY_CONFIG + " is not set: " + BoundedRocksDb.class.getSimpleName() + " needs a budget");
        }
        return BUDGETS.computeIfAbsent(Long.parseLong(configured.toString()), bytes -> {
            // Not strict: a read never fails for want of cache space; the budget is what RocksDB evicts down to.
            LRUCache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
            return new Budget(cache, new WriteBufferManager(bytes / 2, cache));
        });
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Budget shared = budget(configs);
        // Streams' own table config, changed in place, so its other defaults stay.
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store for the life of the process: nothing to close
        // when one store closes.
    }
}
