package dev.peerlink.share.qos;

import java.util.Collection;
import java.util.Optional;

/**
 * Where {@link QosMap} buckets live beyond its in-memory cache. Implementations are thread-safe; the map
 * batches its writes, so {@link #upsert} should write a whole batch at once (one transaction).
 *
 * @throws QosStoreException from any method when the backing storage fails
 */
public interface QosStore extends AutoCloseable {
    /** The bucket of this cell and hour of week (-1: all hours), if stored. */
    Optional<QosBucket> load(long cell, int hourOfWeek);

    /** Inserts or replaces these buckets, keyed by (cell, hourOfWeek). */
    void upsert(Collection<QosBucket> buckets);

    /**
     * Adds these deltas to the stored buckets ({@link QosBuckets#merge}; a missing bucket is stored as is), the whole
     * batch in one transaction. For a store shared by several maps ({@link QosMap#shared}): concurrent writers add up
     * instead of overwriting each other. Stores used by one process only need not support it.
     *
     * @throws UnsupportedOperationException when this store is not meant to be shared
     */
    default void merge(Collection<QosBucket> deltas, double halfLifeMs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot merge deltas; it is not a shared store");
    }

    /**
     * The device-hashing salt every map over this store must use, so that one device reporting through two instances
     * counts once towards k-anonymity. A shared store keeps the first salt proposed to it and returns that one (it then
     * lives beside the hashes, as the single-process salt file lives beside its database); others return {@code proposed}.
     */
    default byte[] sharedSalt(byte[] proposed) {
        return proposed;
    }

    /** Buckets stored. */
    long count();

    @Override
    void close();
}
