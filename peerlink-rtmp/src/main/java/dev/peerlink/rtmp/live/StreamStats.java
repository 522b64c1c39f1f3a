package dev.peerlink.rtmp.live;

/**
 * A stream's counters.
 *
 * @param key         the stream key
 * @param publishing  a publisher is attached
 * @param framesIn    media tags received from publishers of this key
 * @param subscribers attached subscribers
 */
public record StreamStats(String key, boolean publishing, long framesIn, int subscribers) {}
