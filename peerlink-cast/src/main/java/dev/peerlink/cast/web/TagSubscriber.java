package dev.peerlink.cast.web;

import dev.peerlink.rtmp.flv.FlvTag;

/** A viewer of a {@link TagFeed}. Both methods are called on the producer's thread and must not block. */
public interface TagSubscriber {
    /**
     * Takes one tag. Returns {@code false} when the subscriber is backed up and did not take it; the feed then drops
     * this subscriber's frames until the next key frame instead of queueing them (live means low latency).
     */
    boolean offer(FlvTag tag);

    /** The stream ended (the sender stopped); no more tags follow on this subscription. */
    void end();
}
