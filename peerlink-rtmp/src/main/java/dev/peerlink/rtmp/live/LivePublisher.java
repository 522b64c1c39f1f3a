package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.flv.FlvTag;

/** The handle of the publisher of one stream key. Thread-safe; a transport normally pushes from one thread. */
public final class LivePublisher {
    private final LiveStream stream;

    LivePublisher(LiveStream stream) {
        this.stream = stream;
    }

    public String key() {
        return stream.key();
    }

    /**
     * Relays one tag: onMetaData script data and AVC/AAC sequence headers are kept for later subscribers, media goes
     * to every subscriber. False when this publisher no longer owns the key (closed or replaced as stale): the
     * transport should disconnect it.
     */
    public boolean push(FlvTag tag) {
        return stream.push(this, tag);
    }

    /** Unpublishes: subscribers get {@link LiveSink#onEnd()}, the key is free. Idempotent. */
    public void close() {
        stream.unpublish(this);
    }

    public boolean isActive() {
        return stream.isPublisher(this);
    }
}
