package dev.peerlink.share.qos;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link QosStore} in a map: for tests and for servers that need no persistence; it can be shared by maps in one process. */
public final class InMemoryQosStore implements QosStore {
    private record Key(long cell, int hourOfWeek) {}

    private final ConcurrentHashMap<Key, QosBucket> buckets = new ConcurrentHashMap<>();
    private byte[] salt; // guarded by this

    @Override
    public Optional<QosBucket> load(long cell, int hourOfWeek) {
        return Optional.ofNullable(buckets.get(new Key(cell, hourOfWeek)));
    }

    @Override
    public void upsert(Collection<QosBucket> batch) {
        for (QosBucket b : batch) {
            buckets.put(new Key(b.cell(), b.hourOfWeek()), b);
        }
    }

    /** Merges each delta atomically per bucket (the batch as a whole is not isolated from concurrent readers). */
    @Override
    public void merge(Collection<QosBucket> deltas, double halfLifeMs) {
        for (QosBucket d : deltas) {
            buckets.merge(new Key(d.cell(), d.hourOfWeek()), d, (old, add) -> QosBuckets.merge(old, add, halfLifeMs));
        }
    }

    @Override
    public synchronized byte[] sharedSalt(byte[] proposed) {
        if (salt == null) {
            salt = proposed.clone();
        }
        return salt.clone();
    }

    @Override
    public long count() {
        return buckets.size();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
