package dev.peerlink.share.qos.internal;

import dev.peerlink.share.qos.QosBucket;
import dev.peerlink.share.qos.QosStore;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hot buckets in a bounded LRU in front of a {@link QosStore}, with write-behind.
 *
 * <p>A changed bucket is marked dirty. {@link #takeForFlush} snapshots the dirty ones into {@code pending}
 * and hands out everything pending; the caller writes that batch to the store <em>outside</em> the lock and then
 * calls {@link #written}. A dirty bucket evicted from the LRU is snapshotted into {@code pending} as well. A
 * miss looks in {@code pending} before the store, so a bucket in flight is never read back stale.
 *
 * <p>Not thread-safe: the owner serialises calls.
 */
public final class BucketCache implements Buckets {
    private record Key(long cell, int hourOfWeek) {}

    private final QosStore store;
    private final LinkedHashMap<Key, BucketAccumulator> hot;
    private final Set<Key> dirty = new HashSet<>();
    private final PendingWrites pending = new PendingWrites();

    public BucketCache(QosStore store, int maxHot) {
        this.store = store;
        this.hot = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, BucketAccumulator> eldest) {
                if (size() <= maxHot) {
                    return false;
                }
                Key k = eldest.getKey();
                if (dirty.remove(k)) {
                    pending.add(eldest.getValue().snapshot(k.cell(), k.hourOfWeek()), (older, newer) -> newer);
                }
                return true;
            }
        };
    }

    @Override
    public BucketAccumulator read(long cell, int hourOfWeek, long nowMillis) {
        return get(cell, hourOfWeek);
    }

    /** The bucket, loaded into the cache on a miss; null when it exists nowhere. */
    private BucketAccumulator get(long cell, int hourOfWeek) {
        Key k = new Key(cell, hourOfWeek);
        BucketAccumulator a = hot.get(k);
        if (a == null) {
            QosBucket stored = pending.get(cell, hourOfWeek);
            if (stored == null) {
                Optional<QosBucket> loaded = store.load(cell, hourOfWeek);
                stored = loaded.orElse(null);
            }
            if (stored != null) {
                a = BucketAccumulator.from(stored);
                hot.put(k, a);
            }
        }
        return a;
    }

    /** The bucket for changing: created when new, and marked dirty. */
    @Override
    public BucketAccumulator edit(long cell, int hourOfWeek) {
        BucketAccumulator a = get(cell, hourOfWeek);
        Key k = new Key(cell, hourOfWeek);
        if (a == null) {
            a = new BucketAccumulator();
            hot.put(k, a);
        }
        dirty.add(k);
        return a;
    }

    /** Buckets waiting to be written (dirty in memory or pending). */
    @Override
    public int unwritten() {
        return dirty.size() + pending.size();
    }

    @Override
    public int hotSize() {
        return hot.size();
    }

    /** Snapshots the dirty buckets and returns every bucket to write now. */
    @Override
    public List<QosBucket> takeForFlush() {
        for (Key k : dirty) {
            pending.add(hot.get(k).snapshot(k.cell(), k.hourOfWeek()), (older, newer) -> newer);
        }
        dirty.clear();
        return pending.all();
    }

    /** Replaces the stored buckets: this process owns them. */
    @Override
    public void writeOut(List<QosBucket> batch) {
        store.upsert(batch);
    }

    /** The batch reached the store: forget those snapshots unless a newer one replaced them meanwhile. */
    @Override
    public void written(List<QosBucket> batch) {
        pending.written(batch);
    }
}
