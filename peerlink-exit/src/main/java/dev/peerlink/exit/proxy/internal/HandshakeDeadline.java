package dev.peerlink.exit.proxy.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client has not finished its handshake in time (a slow or silent client must not hold a
 * connection slot). Removing the handler, once the handshake is done, cancels the deadline.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {
    static final String NAME = "handshake-deadline";

    private final Duration timeout;
    private ScheduledFuture<?> timer;

    HandshakeDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    /** The handshake is over: the deadline no longer applies. */
    static void lift(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) != null) {
            pipeline.remove(NAME);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> ctx.channel().close(), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
