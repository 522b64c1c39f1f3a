package dev.peerlink.exit.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Looks at a SOCKS connection's first byte only: a SOCKS4 client gets a SOCKS4 "request rejected" reply (VN 0,
 * CD 91) before the connection closes, so it reports a refusal rather than a protocol error. Anything else goes on to
 * the SOCKS5 decoder, and this handler leaves the pipeline.
 */
final class SocksVersionGate extends ChannelInboundHandlerAdapter {
    private static final byte SOCKS4 = 0x04;
    private static final byte[] SOCKS4_REJECTED = {0x00, 0x5b, 0, 0, 0, 0, 0, 0};

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable() && b.getByte(b.readerIndex()) == SOCKS4) {
            b.release();
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SOCKS4_REJECTED)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (msg instanceof ByteBuf b && b.isReadable()) {
            ctx.pipeline().remove(this); // the version is known: nothing more to look at
        }
        ctx.fireChannelRead(msg);
    }
}
