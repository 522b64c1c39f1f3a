package dev.peerlink.peer.internal.ladder;

import dev.peerlink.peer.internal.PunchPacket;
import dev.peerlink.peer.internal.ReadLoops;
import dev.peerlink.peer.internal.StunBinding;
import dev.peerlink.stun.StunDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's UDP socket during the ladder: learns its public mapping from STUN, sends connectivity checks
 * ({@link PunchPacket}) to the other device's candidates, answers the other's checks, and — once a path is proven in
 * both directions — stops reading and hands the socket (whose NAT mapping is now open) to QUIC.
 *
 * <p>The controlling side (the initiator) completes {@link #contact()} on the first check or answer it receives,
 * sends NOMINATE twice to that address and stops. The controlled side answers checks and completes on NOMINATE (or on
 * the first non-check packet from an address it has heard a check from: the NOMINATE was lost and QUIC is already
 * knocking; that packet is lost and QUIC retransmits it). After completion the loop reads nothing more, so the QUIC
 * packets that follow wait in the kernel's receive buffer for Netty.
 */
public final class UdpChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpChecker.class);
    private static final long CHECK_INTERVAL_MS = 40;

    private final DatagramChannel channel;
    private final Selector selector;
    private final byte[] tag;
    private final boolean controlling;
    private final Set<InetSocketAddress> targets = ConcurrentHashMap.newKeySet();
    private final Set<InetSocketAddress> heard = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<InetSocketAddress> contact = new CompletableFuture<>();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    private volatile boolean sending;
    /** When sending started (ms, nanoTime based): IPv4 targets wait {@link HappyEyeballs#HEAD_START} after it. */
    private volatile long sendingSince = -1;
    private volatile boolean closed;
    private volatile boolean handedOff;
    private volatile Thread loop;

    private UdpChecker(DatagramChannel channel, Selector selector, String session, boolean controlling) {
        this.channel = channel;
        this.selector = selector;
        this.tag = PunchPacket.tagOf(session);
        this.controlling = controlling;
    }

    public static UdpChecker open(InetSocketAddress bind, String session, boolean controlling) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(bind);
            ch.configureBlocking(false);
            Selector sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new UdpChecker(ch, sel, session, controlling);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public int localPort() {
        return channel.socket().getLocalPort();
    }

    /**
     * Whether this JVM's sockets speak IPv6: a wildcard-bound channel is an IPv6 (dual-stack) one. Java opens
     * IPv4-only sockets where the host had no IPv6 at start-up (e.g. disabled by sysctl), fixed for the JVM's life, and
     * sending to or dialling an IPv6 address from one throws an unchecked {@code UnsupportedAddressTypeException}.
     */
    public static boolean ipv6Capable() {
        Boolean known = ipv6;
        if (known == null) {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(0));
                known = ch.socket().getLocalAddress() instanceof java.net.Inet6Address;
            } catch (IOException e) {
                known = false;
            }
            ipv6 = known;
        }
        return known;
    }

    private static volatile Boolean ipv6;

    /**
     * This socket's public mapping as {@code stun} sees it (a Binding request, retransmitted at 0, 200, 500 ms). Call
     * before {@link #start()}. Empty when the server does not answer within {@code timeout}.
     */
    public Optional<InetSocketAddress> stunMapped(InetSocketAddress stun, Duration timeout) throws IOException {
        return StunBinding.mapped(channel, selector, stun, timeout);
    }

    /** Starts the reading loop (checks are sent only while {@link #sending}). */
    public void start() {
        Thread t = new Thread(this::run, "peerlink-udp-check");
        t.setDaemon(true);
        loop = t;
        t.start();
    }

    public void addTargets(Collection<InetSocketAddress> more) {
        targets.addAll(more);
    }

    /** Starts sending checks to the targets, every 40 ms until contact. */
    public void startSending() {
        if (sendingSince < 0) {
            sendingSince = System.nanoTime() / 1_000_000;
        }
        sending = true;
        selector.wakeup();
    }

    /** Completes with the other device's address once a path is proven; the socket is then ready for QUIC. */
    public CompletableFuture<InetSocketAddress> contact() {
        return contact;
    }

    /** After {@link #contact()} completed: the socket, no longer read by this checker, for QUIC to own. */
    public synchronized DatagramChannel handOff() throws IOException {
        ReadLoops.awaitStopped(loop);
        if (!contact.isDone() || contact.isCompletedExceptionally() || closed) {
            throw new IOException("no proven path to hand off");
        }
        handedOff = true;
        selector.close(); // deregisters the channel
        return channel;
    }

    private void run() {
        long nextCheck = 0;
        try {
            while (!closed && !contact.isDone()) {
                long now = System.nanoTime() / 1_000_000;
                if (sending && now >= nextCheck) {
                    byte[] probe = PunchPacket.encode(PunchPacket.Kind.PROBE, tag);
                    // Happy Eyeballs: with IPv6 targets, IPv4 ones get checks only after the v6 head start.
                    long v4From = targets.stream().anyMatch(HappyEyeballs::v6)
                            ? sendingSince + HappyEyeballs.HEAD_START.toMillis() : now;
                    for (InetSocketAddress to : targets) {
                        if (HappyEyeballs.v6(to) || now >= v4From) {
                            sendQuietly(probe, to);
                        }
                    }
                    nextCheck = now < v4From ? Math.min(now + CHECK_INTERVAL_MS, v4From) : now + CHECK_INTERVAL_MS;
                }
                selector.select(sending ? Math.max(1, nextCheck - now) : 100);
                selector.selectedKeys().clear();
                SocketAddress from;
                while (!contact.isDone() && (from = receive()) != null) {
                    handle((InetSocketAddress) from);
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (!closed) {
                contact.completeExceptionally(e);
            }
        }
    }

    private void handle(InetSocketAddress from) {
        byte[] data = buf.array();
        int len = buf.limit();
        if (!PunchPacket.looksLikeCheck(data, len)) {
            if (!controlling && heard.contains(from) && !StunDecoder.looksLikeStun(data, 0, len)) {
                contact.complete(from); // QUIC before our NOMINATE arrived: the path works
            }
            return;
        }
        PunchPacket p;
        try {
            p = PunchPacket.decode(data, len);
        } catch (PunchPacket.PunchPacketException e) {
            LOG.debug("dropped check from {}: {}", from, e.getMessage());
            return;
        }
        if (!p.hasTag(tag)) {
            return; // another session's check
        }
        switch (p.kind()) {
            case PROBE -> {
                sendQuietly(PunchPacket.encode(PunchPacket.Kind.ACK, tag), from);
                heard.add(from);
                if (controlling) {
                    nominate(from);
                }
            }
            case ACK -> {
                heard.add(from);
                if (controlling) {
                    nominate(from);
                }
            }
            case NOMINATE -> {
                if (!controlling) {
                    contact.complete(from);
                }
            }
        }
    }

    private void nominate(InetSocketAddress to) {
        byte[] nominate = PunchPacket.encode(PunchPacket.Kind.NOMINATE, tag);
        sendQuietly(nominate, to);
        sendQuietly(nominate, to);
        contact.complete(to);
    }

    private SocketAddress receive() throws IOException {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        buf.flip();
        return from;
    }

    private void sendQuietly(byte[] bytes, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(bytes), to);
        } catch (IOException | java.nio.channels.UnsupportedAddressTypeException e) {
            LOG.trace("check to {} failed: {}", to, e.toString()); // unreachable candidate: expected
        }
    }

    /** Closes the socket unless it was handed off. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        if (!handedOff) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
        contact.completeExceptionally(new IOException("UDP checks stopped"));
    }

    @Override
    public String toString() {
        return "UdpChecker[" + Arrays.toString(targets.toArray()) + "]";
    }
}
