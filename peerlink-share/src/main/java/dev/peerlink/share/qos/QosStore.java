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

    /** Buckets stored. */
    long count();

    @Override
    void close();
}
