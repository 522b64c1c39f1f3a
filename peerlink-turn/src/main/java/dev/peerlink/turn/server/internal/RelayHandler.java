package dev.peerlink.turn.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a relayed socket: datagrams from peers, forwarded to the client, flushed once per read batch. */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final Allocation allocation;
    private final DataPath data;

    RelayHandler(Allocation allocation, DataPath data) {
        this.allocation = allocation;
        this.data = data;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                data.fromPeer(allocation, packet, ctx.alloc());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        allocation.link.flushIfDirty();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP unreachable from a peer and the like: routine on a relay, never fatal to the allocation.
        LOG.debug("{}: {}", allocation, cause.toString());
    }
}
