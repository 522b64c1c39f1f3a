package dev.peerlink.turn.server.internal;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP connection between a relayed address and a peer (RFC 6062), named by its CONNECTION-ID until a
 * client data connection binds it. It does not read before then, so nothing from the peer is lost.
 */
final class PeerConnection {
    final long id;
    final Allocation allocation;
    final Channel channel;
    final InetSocketAddress peer;
    private final AtomicBoolean claimed = new AtomicBoolean();
    ScheduledFuture<?> bindTimer;

    PeerConnection(long id, Allocation allocation, Channel channel, InetSocketAddress peer) {
        this.id = id;
        this.allocation = allocation;
        this.channel = channel;
        this.peer = peer;
    }

    /** True for the one ConnectionBind that may bind this connection; also stops the bind timeout from closing it. */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "connection " + id + " to " + peer;
    }
}
