package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client TCP connection: its 5-tuple names at most one allocation, which is deleted when the
 * connection closes. Idle connections without an allocation are closed.
 */
public final class TcpClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcpClientHandler.class);

    private final TurnEngine engine;
    private final List<Allocation> dirty = new ArrayList<>(1);
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
        try {
            if (msg instanceof ByteBuf frame && link != null) {
                engine.fromClient(link, frame, dirty);
            }
        } catch (RuntimeException e) {
            LOG.warn("dropped a frame after an internal error", e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
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
