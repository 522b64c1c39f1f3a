package dev.peerlink.turn.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per client-facing UDP socket. Relayed writes are flushed once per read batch, so with epoll a
 * burst read by one wakeup leaves in few syscalls.
 */
public final class UdpListenerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UdpListenerHandler.class);

    private final TurnEngine engine;
    private final List<Allocation> dirty = new ArrayList<>();
    private InetSocketAddress local;

    public UdpListenerHandler(TurnEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                if (local == null) {
                    local = (InetSocketAddress) ctx.channel().localAddress();
                }
                engine.fromUdp(ctx.channel(), packet.sender(), local, packet.content(), dirty);
            }
        } catch (RuntimeException e) {
            // A bug on one packet must not take the listener down; say so loudly enough to be fixed.
            LOG.warn("dropped a datagram after an internal error", e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Flushing.flushRelays(dirty);
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable from a vanished client and the like.
        LOG.debug("UDP {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
