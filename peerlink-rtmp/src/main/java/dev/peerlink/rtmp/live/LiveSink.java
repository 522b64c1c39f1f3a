package dev.peerlink.rtmp.live;

import dev.peerlink.rtmp.flv.FlvTag;

/**
 * One player's end of a live stream (an RTMP play session, an HTTP-FLV response, a recorder). The stream calls it
 * while holding its lock, from the publisher's thread or from the thread that calls {@link Subscription#drain()}, so
 * both methods must return promptly and never block (enqueue a write and return). They may call back into the same
 * stream (for example {@link Subscription#cancel()}); a RuntimeException thrown from them removes the subscriber
 * without further calls.
 */
public interface LiveSink {
    /**
     * Takes {@code tag} (timestamps already rebased for this subscriber) or refuses it because the transport is
     * backed up (for Netty: the channel is not writable). A refused tag is offered again, first, on the next
     * {@link Subscription#drain()} or the next tag from the publisher; until then the stream holds it against this
     * subscriber's backlog budget.
     */
    boolean offer(FlvTag tag);

    /** The publisher has gone (unpublished, disconnected or replaced); nothing more will be offered. */
    void onEnd();
}
