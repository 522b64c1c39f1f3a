package dev.peerlink.rtmp.live;

/**
 * One subscriber's counters. Frames are media tags (audio, video, script data other than onMetaData).
 *
 * @param framesIn     media tags routed to this subscriber since its start (including ones later dropped)
 * @param framesOut    media tags its sink accepted
 * @param dropped      media tags discarded because it fell behind (pending ones, then those before the next key frame)
 * @param skips        how many times it was cut back to a key frame
 * @param pendingTags  tags (media and configuration) refused by the sink and waiting
 * @param pendingBytes body bytes of those tags
 */
public record SubscriberStats(long framesIn, long framesOut, long dropped, long skips, int pendingTags, long pendingBytes) {}
