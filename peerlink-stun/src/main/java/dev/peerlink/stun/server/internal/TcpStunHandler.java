package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.server.StunRequest.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the frames of one TCP connection; closes it on garbage and when idle. Replies are
 * flushed once per read.
 */
public final class TcpStunHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TcpStunHandler.class);

    private final StunEngine engine;
    private final int addressIndex;
    private boolean unflushed;

    public TcpStunHandler(StunEngine engine, int addressIndex) {
        this.engine = engine;
        this.addressIndex = addressIndex;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[] frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        Outbound out = engine.process(frame, 0, frame.length, remote, addressIndex, Protocol.TCP);
        if (out == Outbound.GARBAGE) {
            ctx.close();
        } else if (out.isReply()) {
            ctx.write(Unpooled.wrappedBuffer(out.bytes), ctx.voidPromise());
            unflushed = true;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and the like: the client's business, not an operator's.
        LOG.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
