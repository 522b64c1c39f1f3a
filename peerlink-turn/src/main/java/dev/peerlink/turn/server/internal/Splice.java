package dev.peerlink.turn.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;

/**
 * One direction of a bound RFC 6062 connection pair: bytes read here are written, unframed, to the other
 * connection. Reading pauses while the other side cannot take more (its outbound buffer is full) and
 * resumes when it drains; a close on either side closes the other after what was queued is flushed.
 */
final class Splice extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private final LongAdder bytes;

    Splice(Channel other, LongAdder bytes) {
        this.other = other;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            bytes.add(buf.readableBytes());
            other.write(buf, other.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        other.flush();
        if (!other.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** This side drained: the other side may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            other.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
