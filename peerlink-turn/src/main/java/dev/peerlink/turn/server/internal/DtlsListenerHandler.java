package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TURN over DTLS (RFC 7350, RFC 8656 §3.1) on one UDP socket: datagrams go through the client's association, each
 * decrypted record is one STUN message or ChannelData handed to the engine exactly as a UDP datagram would be, and
 * replies leave as one record each. An allocation made over DTLS is deleted with its association.
 */
public final class DtlsListenerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsListenerHandler.class);

    private final TurnEngine engine;
    private final Counters counters;
    private final DtlsAssociations table;
    private final long sweepNanos;
    private final LongSupplier clock;
    private final List<Allocation> dirty = new ArrayList<>();
    private InetSocketAddress local;
    private ScheduledFuture<?> sweeper;

    public DtlsListenerHandler(TurnEngine engine, SSLContext context, Counters counters, int maxAssociations,
                               long handshakeTimeoutNanos, long idleTimeoutNanos) {
        this(engine, context, counters, maxAssociations, handshakeTimeoutNanos, idleTimeoutNanos, System::nanoTime);
    }

    /** {@code clock}: nanoTime, or a test's. */
    DtlsListenerHandler(TurnEngine engine, SSLContext context, Counters counters, int maxAssociations,
                        long handshakeTimeoutNanos, long idleTimeoutNanos, LongSupplier clock) {
        this.clock = clock;
        this.engine = engine;
        this.counters = counters;
        this.table = new DtlsAssociations(context, counters,
                new DtlsAssociations.Limits(maxAssociations, handshakeTimeoutNanos, idleTimeoutNanos));
        this.sweepNanos = Math.clamp(handshakeTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(1));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().localAddress() instanceof InetSocketAddress a) {
            local = a;
        }
        sweeper = ctx.executor().scheduleAtFixedRate(() -> sweep(ctx, clock.getAsLong()), sweepNanos, sweepNanos,
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                if (local == null) {
                    local = packet.recipient();
                }
                read(ctx, packet.sender(), packet.content(), clock.getAsLong());
            }
        } catch (RuntimeException e) {
            LOG.warn("dropped a DTLS datagram after an internal error", e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(ChannelHandlerContext ctx, InetSocketAddress client, ByteBuf content, long now) {
        List<ByteBuf> out = new ArrayList<>(2);
        List<ByteBuf> messages = new ArrayList<>(1);
        DtlsAssociation a = table.get(client);
        if (a == null) {
            a = table.admit(client, content, now, out);
            if (a != null) {
                a.link = ClientLink.dtls(ctx.channel(), client, local, a);
            }
            send(ctx, client, out);
            return;
        }
        boolean wasEstablished = a.established();
        try {
            a.receive(content, now, messages, out);
        } catch (SSLException e) {
            LOG.debug("DTLS {}: {}", client, e.toString());
            counters.refused(Refusal.DTLS_HANDSHAKE_FAILED);
            drop(ctx, client, out);
            send(ctx, client, out);
            return;
        }
        if (!wasEstablished && a.established()) {
            table.established(a);
        }
        send(ctx, client, out);
        for (ByteBuf m : messages) {
            try {
                engine.fromClient(a.link, m, dirty);
            } finally {
                m.release();
            }
        }
        if (a.closed()) { // close_notify from the client
            drop(ctx, client, out);
            send(ctx, client, out);
        }
    }

    private void drop(ChannelHandlerContext ctx, InetSocketAddress client, List<ByteBuf> out) {
        DtlsAssociation a = table.remove(client, out);
        if (a != null && a.link != null) {
            engine.linkClosed(a.link);
        }
    }

    void sweep(ChannelHandlerContext ctx, long now) {
        List<ByteBuf> out = new ArrayList<>(1);
        for (var e : table.sweep(now, a -> a.link != null && engine.hasAllocation(a.link))) {
            DtlsAssociation a = e.getValue();
            if (a.established()) {
                a.close(out); // close_notify: the client learns the association is gone
                send(ctx, e.getKey(), out);
            }
            if (a.link != null) {
                engine.linkClosed(a.link);
            }
        }
        ctx.flush();
    }

    private static void send(ChannelHandlerContext ctx, InetSocketAddress client, List<ByteBuf> out) {
        for (ByteBuf b : out) {
            ctx.write(new DatagramPacket(b, client), ctx.voidPromise());
        }
        out.clear();
    }

    /** Associations on this socket (handshaking or established). */
    int associations() {
        return table.size();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Flushing.flushRelays(dirty);
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("DTLS {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
