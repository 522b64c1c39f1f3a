package dev.peerlink.share.qos.internal;

import dev.peerlink.share.qos.QosBucket;
import dev.peerlink.share.qos.QosBuckets;
import dev.peerlink.share.qos.QosStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buckets of a store several processes share. New samples go into per-bucket deltas (only what this process took
 * since its last flush); a flush merges them into the store ({@link QosStore#merge}), so writers add up. Reads come
 * from the store, each bucket cached (LRU) for at most {@code readTtlMs}: every process answers from the same stored
 * aggregate, this process's own unflushed samples not included. After a flush this process re-reads the buckets it
 * wrote; another sees them once its cached copy is older than the TTL.
 *
 * <p>A delta whose write failed stays pending and later changes are merged into it, so nothing is written twice.
 */
public final class SharedBuckets implements Buckets {
    private record Key(long cell, int hourOfWeek) {}

    private record Cached(BucketAccumulator bucket, long loadedAt) {}

    private final QosStore store;
    private final double halfLifeMs;
    private final long readTtlMs;
    private final LinkedHashMap<Key, Cached> reads;
    private final Map<Key, BucketAccumulator> deltas = new HashMap<>();
    private final PendingWrites pending = new PendingWrites();

    public SharedBuckets(QosStore store, double halfLifeMs, long readTtlMs, int maxCached) {
        this.store = store;
        this.halfLifeMs = halfLifeMs;
        this.readTtlMs = readTtlMs;
        this.reads = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > maxCached;
            }
        };
    }

    @Override
    public BucketAccumulator read(long cell, int hourOfWeek, long nowMillis) {
        Key k = new Key(cell, hourOfWeek);
        Cached c = reads.get(k);
        if (c == null || nowMillis - c.loadedAt() >= readTtlMs || nowMillis < c.loadedAt()) {
            c = new Cached(store.load(cell, hourOfWeek).map(BucketAccumulator::from).orElse(null), nowMillis);
            reads.put(k, c);
        }
        return c.bucket();
    }

    @Override
    public BucketAccumulator edit(long cell, int hourOfWeek) {
        return deltas.computeIfAbsent(new Key(cell, hourOfWeek), k -> new BucketAccumulator());
    }

    @Override
    public int unwritten() {
        return deltas.size() + pending.size();
    }

    @Override
    public int hotSize() {
        return reads.size();
    }

    @Override
    public List<QosBucket> takeForFlush() {
        deltas.forEach((k, d) -> pending.add(d.snapshot(k.cell(), k.hourOfWeek()),
                (older, newer) -> QosBuckets.merge(older, newer, halfLifeMs)));
        deltas.clear();
        return pending.all();
    }

    @Override
    public void writeOut(List<QosBucket> batch) {
        store.merge(batch, halfLifeMs);
    }

    @Override
    public void written(List<QosBucket> batch) {
        pending.written(batch);
        for (QosBucket b : batch) {
            reads.remove(new Key(b.cell(), b.hourOfWeek())); // our own write is visible at once
        }
    }
}
