package dev.peerlink.share.qos;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link QosStore} in a map: for tests and for servers that need no persistence. */
public final class InMemoryQosStore implements QosStore {
    private record Key(long cell, int hourOfWeek) {}

    private final ConcurrentHashMap<Key, QosBucket> buckets = new ConcurrentHashMap<>();

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

    @Override
    public long count() {
        return buckets.size();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
