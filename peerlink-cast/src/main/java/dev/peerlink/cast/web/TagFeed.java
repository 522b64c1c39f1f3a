package dev.peerlink.cast.web;

/**
 * A live FLV tag source that viewers subscribe to. Implementations deliver, in order: the stream's configuration
 * tags (script data, AVC/AAC sequence headers), then tags from a key frame on; they must never block the producer on a
 * slow subscriber — {@link TagSubscriber#offer} returning {@code false} means "skip me ahead to the next key frame".
 */
public interface TagFeed {
    /** Starts delivering to {@code subscriber} (possibly on the producer's thread); cancel the result to stop. */
    Subscription subscribe(TagSubscriber subscriber);
}
