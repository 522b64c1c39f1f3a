package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client TCP connection: its 5-tuple names at most one allocation, which is deleted when the
 * connection closes. Idle connections without an allocation are closed. A request the rate limit holds back is kept,
 * with every frame after it, and the connection stops reading until it may go in: stream clients never retransmit.
 */
public final class TcpClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcpClientHandler.class);

    /** Frames held while paused; more than this (a client ignoring the pause's backpressure) closes the connection. */
    static final int MAX_HELD = 256;

    private final TurnEngine engine;
    private final List<Allocation> dirty = new ArrayList<>(1);
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private ClientLink link;

    public TcpClientHandler(TurnEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        link = ClientLink.tcp(ctx.channel(), ctx.pipeline().get(SslHandler.class) != null);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame) || link == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!held.isEmpty()) {
            if (held.size() >= MAX_HELD) {
                frame.release();
                LOG.debug("TCP {}: kept sending while paused; closed", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            held.add(frame); // in order, behind the paused request
            return;
        }
        long wait = handOver(frame);
        if (wait > 0) {
            held.add(frame);
            pause(ctx, wait);
        } else {
            frame.release();
        }
    }

    /** Gives {@code frame} to the engine (not releasing it); the pause it asks for, or 0. */
    private long handOver(ByteBuf frame) {
        try {
            return engine.fromClient(link, frame, dirty);
        } catch (RuntimeException e) {
            LOG.warn("dropped a frame after an internal error", e);
            return 0;
        }
    }

    private void pause(ChannelHandlerContext ctx, long nanos) {
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> resume(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    /** Hands the held frames in again, in order, until the limit pauses once more or they are all in. */
    private void resume(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return; // channelInactive released them
        }
        ByteBuf frame;
        while ((frame = held.peek()) != null) {
            long wait = handOver(frame);
            if (wait > 0) {
                pause(ctx, wait);
                channelReadComplete(ctx);
                return;
            }
            held.poll().release();
        }
        channelReadComplete(ctx);
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Flushing.flushRelays(dirty);
        if (link != null) {
            link.flushIfDirty();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteBuf frame;
        while ((frame = held.poll()) != null) {
            frame.release();
        }
        if (link != null) {
            engine.linkClosed(link);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (link == null || !engine.hasAllocation(link)) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Malformed frames, TLS failures, resets: each ends only this connection (and its allocation).
        LOG.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
