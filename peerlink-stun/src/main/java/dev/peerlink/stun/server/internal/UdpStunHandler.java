package dev.peerlink.stun.server.internal;

import dev.peerlink.stun.server.StunRequest.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per UDP channel. Replies are written without flushing and flushed once per read batch, so
 * with epoll a batch received by recvmmsg leaves in one sendmmsg.
 */
public final class UdpStunHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UdpStunHandler.class);

    private final StunEngine engine;
    private final UdpSockets sockets;
    private final int addressIndex;
    private final int thread;
    private final byte[] scratch;
    private boolean unflushed;

    public UdpStunHandler(StunEngine engine, UdpSockets sockets, int addressIndex, int thread) {
        this.engine = engine;
        this.sockets = sockets;
        this.addressIndex = addressIndex;
        this.thread = thread;
        this.scratch = new byte[engine.maxMessageSize()];
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Outbound out;
        try {
            ByteBuf content = packet.content();
            if (FastBinding.matches(content)) {
                respondFast(ctx, content, packet.sender());
                return;
            }
            int len = content.readableBytes();
            if (len > scratch.length) {
                engine.counters().garbage();
                return;
            }
            content.getBytes(content.readerIndex(), scratch, 0, len);
            out = engine.process(scratch, 0, len, packet.sender(), addressIndex, Protocol.UDP);
        } finally {
            packet.release();
        }
        if (!out.isReply()) {
            return;
        }
        ByteBuf buf = ctx.alloc().directBuffer(out.bytes.length).writeBytes(out.bytes);
        DatagramPacket reply = new DatagramPacket(buf, out.recipient);
        if (out.sender == addressIndex) {
            ctx.write(reply, ctx.voidPromise());
            unflushed = true;
        } else {
            Channel other = sockets.get(out.sender, thread);
            if (other == null) {
                buf.release();
                return;
            }
            other.writeAndFlush(reply, other.voidPromise());
        }
    }

    private void respondFast(ChannelHandlerContext ctx, ByteBuf request, InetSocketAddress sender) {
        if (!engine.admitFast(sender.getAddress())) {
            return;
        }
        ByteBuf reply = engine.fastBinding().respond(request, sender, addressIndex, ctx.alloc());
        if (reply != null) {
            engine.responded();
            ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise());
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
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Send failures (unreachable client, full buffer) are routine for a UDP server.
        LOG.debug("UDP {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
