package dev.peerlink.share.qos;

/**
 * Counters of a {@link QosMap}.
 *
 * @param ingested samples accepted
 * @param dropped samples refused: over the per-device rate limit or dated too far in the future
 * @param rateLimited the part of {@code dropped} refused by the rate limit
 * @param buckets buckets held in memory now (hot cache; the store may hold more)
 * @param unwritten buckets changed in memory and not yet written to the store
 */
public record QosStats(long ingested, long dropped, long rateLimited, long buckets, long unwritten) {}
