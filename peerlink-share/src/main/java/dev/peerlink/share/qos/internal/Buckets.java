package dev.peerlink.share.qos.internal;

import dev.peerlink.share.qos.QosBucket;
import java.util.List;

/**
 * How {@code QosMap} reads and changes its buckets and writes them to its store: {@link BucketCache} (one process
 * owns the store: hot buckets in an LRU, whole buckets written behind) or {@link SharedBuckets} (several processes
 * share the store: deltas merged into it, reads from it). Not thread-safe: the map serialises every call except
 * {@link #writeOut}, which runs outside its lock.
 */
public interface Buckets {
    /** The bucket to answer from, null when there is none. */
    BucketAccumulator read(long cell, int hourOfWeek, long nowMillis);

    /** The accumulator a new sample of this bucket goes into (created when new). */
    BucketAccumulator edit(long cell, int hourOfWeek);

    /** Buckets waiting to be written. */
    int unwritten();

    /** Buckets held in memory for reads. */
    int hotSize();

    /** Everything to write now (taken from the changes; still pending until {@link #written}). */
    List<QosBucket> takeForFlush();

    /** Writes a batch from {@link #takeForFlush} to the store (outside the map's lock). */
    void writeOut(List<QosBucket> batch);

    /** The batch reached the store. */
    void written(List<QosBucket> batch);
}
