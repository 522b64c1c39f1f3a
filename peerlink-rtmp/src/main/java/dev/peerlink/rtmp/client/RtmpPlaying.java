package dev.peerlink.rtmp.client;

import java.util.concurrent.CompletableFuture;

/** A stream being played from an RTMP server; its tags go to the consumer given to {@link RtmpClient#play}. */
public final class RtmpPlaying implements AutoCloseable {
    private final ClientSession session;
    private final io.netty.channel.Channel channel;

    RtmpPlaying(ClientSession session, io.netty.channel.Channel channel) {
        this.session = session;
        this.channel = channel;
    }

    /** Completes when the stream ends or the connection closes (exceptionally when it failed). */
    public CompletableFuture<Void> closed() {
        return session.closed;
    }

    @Override
    public void close() {
        channel.close();
    }
}
