package dev.peerlink.stun.client;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecodeException;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.client.internal.RtoEstimator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * STUN transactions over one UDP socket: sends requests with RFC 8489 retransmission, matches
 * responses by transaction ID (from any source: RFC 5780 answers come from other addresses),
 * and hands incoming requests (hairpinning probes) to a handler. Thread-safe.
 *
 * <p>Usually the client owns its socket and a receive thread ({@link #bind}). A socket owned by
 * someone else (a relay path's event loop, which reads it in batches) works too ({@link #over}):
 * the client sends through a {@link DatagramSender} and the owner hands it what arrives
 * ({@link #receive}).
 */
public final class StunUdpClient implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stun-client-timer");
        t.setDaemon(true);
        return t;
    });

    /** Sends a datagram on a socket the client does not own. */
    @FunctionalInterface
    public interface DatagramSender {
        void send(ByteBuffer datagram, InetSocketAddress to) throws IOException;
    }

    private final DatagramChannel channel; // null when the socket is someone else's
    private final DatagramSender sender;
    private final InetSocketAddress local;
    private final RetransmissionPolicy policy;
    private final RtoEstimator rtoEstimator;
    private final StunDecoder decoder;
    private final Map<TransactionId, Pending> pending = new ConcurrentHashMap<>();
    private volatile BiConsumer<StunMessage, InetSocketAddress> unsolicitedHandler = (m, from) -> {};
    private volatile BiConsumer<StunMessage, InetSocketAddress> indicationHandler = (m, from) -> {};
    private volatile BiConsumer<byte[], InetSocketAddress> nonStunHandler = (b, from) -> {};
    private volatile boolean closed;

    private final class Pending {
        final byte[] bytes;
        final InetSocketAddress server;
        final CompletableFuture<StunResponse> future = new CompletableFuture<>();
        final long startNanos = System.nanoTime();
        long intervalNanos;
        int sends;
        ScheduledFuture<?> timer;

        Pending(byte[] bytes, InetSocketAddress server, Duration rto) {
            this.bytes = bytes;
            this.server = server;
            this.intervalNanos = rto.toNanos();
        }
    }

    private StunUdpClient(DatagramChannel channel, DatagramSender sender, InetSocketAddress local,
                          RetransmissionPolicy policy, RtoEstimator rtoEstimator, StunDecoder decoder) {
        this.channel = channel;
        this.sender = sender;
        this.local = local;
        this.policy = policy;
        this.rtoEstimator = rtoEstimator;
        this.decoder = decoder;
        if (channel != null) {
            Thread receiver = new Thread(this::receiveLoop, "stun-client-rx-" + localAddress().getPort());
            receiver.setDaemon(true);
            receiver.start();
        }
    }

    /**
     * A client on a socket someone else owns, bound to {@code local}: it sends with {@code sender}, and the owner
     * passes it every datagram that may be STUN ({@link #receive}). No thread of its own; closing it does not close
     * the socket.
     */
    public static StunUdpClient over(DatagramSender sender, InetSocketAddress local, RetransmissionPolicy policy,
                                     RtoEstimator rtoEstimator, StunDecoder decoder) {
        return new StunUdpClient(null, sender, local, policy, rtoEstimator, decoder);
    }

    /** Binds a client socket; port 0 picks an ephemeral port. */
    public static StunUdpClient bind(InetSocketAddress local, RetransmissionPolicy policy, RtoEstimator rtoEstimator)
            throws IOException {
        return bind(local, policy, rtoEstimator, StunDecoder.standard());
    }

    /**
     * Binds with a decoder of the caller's choice: protocols layered on STUN (TURN) decode their
     * own attributes into typed values instead of raw ones.
     */
    public static StunUdpClient bind(InetSocketAddress local, RetransmissionPolicy policy, RtoEstimator rtoEstimator,
                                     StunDecoder decoder) throws IOException {
        DatagramChannel ch = DatagramChannel.open(local.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 18);
            ch.bind(local);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new StunUdpClient(ch, (data, to) -> ch.send(data, to), null, policy, rtoEstimator, decoder);
    }

    public static StunUdpClient bind(InetSocketAddress local, RetransmissionPolicy policy) throws IOException {
        return bind(local, policy, new RtoEstimator(policy));
    }

    public InetSocketAddress localAddress() {
        if (channel == null) {
            return local;
        }
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("socket closed", e);
        }
    }

    /**
     * Messages that match no transaction of this socket go here: requests (the hairpinning probe)
     * and responses to transactions another socket started (the lifetime probe's RESPONSE-PORT answers).
     */
    public void onUnsolicited(BiConsumer<StunMessage, InetSocketAddress> handler) {
        this.unsolicitedHandler = handler;
    }

    /**
     * Indications (TURN's Data indication) go here; without a handler they are dropped, as a
     * plain STUN client has no use for them.
     */
    public void onIndication(BiConsumer<StunMessage, InetSocketAddress> handler) {
        this.indicationHandler = handler;
    }

    /**
     * Datagrams whose first two bits rule out STUN (TURN's ChannelData starts with 01) go here,
     * as a copy; without a handler they are dropped.
     */
    public void onNonStun(BiConsumer<byte[], InetSocketAddress> handler) {
        this.nonStunHandler = handler;
    }

    /**
     * Starts a transaction. The future completes with any response (success or error class) or
     * fails with {@link StunTimeoutException}; cancelling it stops retransmission.
     */
    public CompletableFuture<StunResponse> send(StunMessage request, InetSocketAddress server) {
        return send(request, MessageProtection.NONE, server);
    }

    /** Starts a transaction whose request carries the given integrity and fingerprint. */
    public CompletableFuture<StunResponse> send(StunMessage request, MessageProtection protection,
                                                InetSocketAddress server) {
        Pending p = new Pending(StunEncoder.standard().encode(request, protection), server,
                rtoEstimator.rto(server.getAddress()));
        if (pending.putIfAbsent(request.transactionId(), p) != null) {
            throw new IllegalArgumentException("transaction already in flight: " + request.transactionId());
        }
        p.future.whenComplete((r, e) -> {
            pending.remove(request.transactionId(), p);
            ScheduledFuture<?> t = p.timer;
            if (t != null) {
                t.cancel(false);
            }
        });
        transmit(p);
        return p.future;
    }

    /** Sends bytes without a transaction (e.g. a probe whose answer arrives elsewhere). */
    public void sendRaw(byte[] bytes, InetSocketAddress to) throws IOException {
        sender.send(ByteBuffer.wrap(bytes), to);
    }

    private void transmit(Pending p) {
        synchronized (p) {
            if (p.future.isDone() || closed) {
                return;
            }
            try {
                sender.send(ByteBuffer.wrap(p.bytes), p.server);
            } catch (IOException e) {
                // Transient send errors (ICMP-induced ECONNREFUSED, no route) count as a lost send.
                if (channel != null && !channel.isOpen()) {
                    p.future.completeExceptionally(e);
                    return;
                }
            }
            p.sends++;
            if (p.sends < policy.rc()) {
                long wait = p.intervalNanos;
                p.intervalNanos *= 2;
                p.timer = TIMER.schedule(() -> transmit(p), wait, TimeUnit.NANOSECONDS);
            } else {
                long wait = (p.intervalNanos / (1L << (p.sends - 1))) * policy.rm();
                p.timer = TIMER.schedule(
                        () -> p.future.completeExceptionally(new StunTimeoutException(p.server, p.sends)),
                        wait, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!closed) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue; // ICMP errors surface here on some kernels; the transaction timer handles loss
            }
            if (from != null) {
                receive(buf.flip(), (InetSocketAddress) from);
            }
        }
    }

    /**
     * One datagram from {@code from} (its remaining bytes): completes a transaction, or goes to the indication,
     * unsolicited or non-STUN handler. Called by the receive thread, or by the socket's owner ({@link #over}).
     */
    public void receive(ByteBuffer datagram, InetSocketAddress from) {
        if (closed) {
            return;
        }
        if (datagram.hasRemaining() && (datagram.get(datagram.position()) & 0xC0) != 0) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            nonStunHandler.accept(copy, from);
            return;
        }
        StunMessage m;
        try {
            m = decoder.decode(datagram);
        } catch (StunDecodeException e) {
            return; // not ours to answer; garbage is dropped
        }
        if (m.messageClass() == StunClass.INDICATION) {
            indicationHandler.accept(m, from);
        } else if (!(m.messageClass().isResponse() && complete(m, from))) {
            unsolicitedHandler.accept(m, from);
        }
    }

    private boolean complete(StunMessage m, InetSocketAddress from) {
        Pending p = pending.get(m.transactionId());
        if (p == null) {
            return false;
        }
        Duration rtt = Duration.ofNanos(System.nanoTime() - p.startNanos);
        int sends;
        synchronized (p) {
            sends = p.sends;
        }
        if (sends == 1) {
            rtoEstimator.sample(p.server.getAddress(), rtt); // Karn: only unambiguous samples
        }
        p.future.complete(new StunResponse(m, from, rtt, sends));
        return true;
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a datagram channel does not fail in a way we can act on
        }
        for (Pending p : pending.values()) {
            p.future.completeExceptionally(new ClosedChannelException());
        }
    }
}
