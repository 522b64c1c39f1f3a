package dev.peerlink.rtmp.client;

import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.live.LiveSink;
import java.util.concurrent.CompletableFuture;

/**
 * A stream being published to an RTMP server. It is a {@link LiveSink}: subscribe it to a local
 * {@link dev.peerlink.rtmp.live.LiveHub} and a slow path makes the hub skip to the next key frame instead of
 * queueing (and {@link #onWritable} tells when to drain).
 */
public final class RtmpPublishing implements LiveSink, AutoCloseable {
    private final ClientSession session;

    RtmpPublishing(ClientSession session) {
        this.session = session;
    }

    @Override
    public boolean offer(FlvTag tag) {
        return session.offer(tag);
    }

    /** The local stream ended: unpublish and close. */
    @Override
    public void onEnd() {
        session.finish();
    }

    /** Called when the socket can take data again after refusing (drain the subscription there). */
    public void onWritable(Runnable r) {
        session.onWritable(r);
    }

    /** Bytes the socket accepts before it refuses (0 when backed up): the sender's view of the path. */
    public long bytesBeforeUnwritable() {
        return session.bytesBeforeUnwritable();
    }

    /** Completes when the connection closes (exceptionally when it failed). */
    public CompletableFuture<Void> closed() {
        return session.closed;
    }

    @Override
    public void close() {
        session.finish();
    }
}
