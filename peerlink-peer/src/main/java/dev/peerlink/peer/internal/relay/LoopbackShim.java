package dev.peerlink.peer.internal.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The loopback half of a {@link RelayPath}: a socket for QUIC ({@link #quicSocket}) and the shim socket S it talks
 * to. A forwarding thread passes what QUIC sends to S on to the relay ({@link Outbound}); {@link #fromRelay} passes
 * what the relay delivers from a permitted IP to QUIC, from S. The peer's transport address is the last one seen
 * from a permitted IP (or the one {@link #peer(InetSocketAddress)} gave).
 */
final class LoopbackShim implements AutoCloseable {
    private static final int SOCKET_BUFFER = 4 << 20;

    /** Where outbound datagrams go: the TURN client. */
    interface Outbound {
        void send(InetSocketAddress peer, byte[] data) throws IOException;
    }

    private final DatagramChannel quicSocket;
    private final DatagramChannel shim;
    private final InetSocketAddress quicAddress;
    private final InetSocketAddress shimAddress;
    private final Outbound outbound;
    private final Consumer<InetSocketAddress> onNewPeer;
    private final Set<InetAddress> permitted = ConcurrentHashMap.newKeySet();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile InetSocketAddress peer;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean closed;

    /** Binds both loopback sockets; {@link #start} starts forwarding. */
    LoopbackShim(Outbound outbound, Consumer<InetSocketAddress> onNewPeer) throws IOException {
        this.outbound = outbound;
        this.onNewPeer = onNewPeer;
        quicSocket = loopbackSocket();
        try {
            shim = loopbackSocket();
        } catch (IOException e) {
            quietly(quicSocket);
            throw e;
        }
        quicAddress = (InetSocketAddress) quicSocket.getLocalAddress();
        shimAddress = (InetSocketAddress) shim.getLocalAddress();
    }

    void start() {
        Thread.ofPlatform().daemon().name("relay-shim-" + shimAddress.getPort()).start(this::toRelay);
    }

    DatagramChannel quicSocket() {
        return quicSocket;
    }

    InetSocketAddress shimAddress() {
        return shimAddress;
    }

    InetSocketAddress peer() {
        return peer;
    }

    void permit(InetAddress ip) {
        permitted.add(ip);
    }

    /** Sets the peer explicitly (its IP becomes permitted here; the TURN permission is the caller's). */
    void peer(InetSocketAddress address) {
        permitted.add(address.getAddress());
        lastInboundNanos = System.nanoTime();
        peer = address;
    }

    /** Nanoseconds since the relay last delivered a datagram from the peer (or the peer was set). */
    long silentNanos() {
        return System.nanoTime() - lastInboundNanos;
    }

    RelayPath.Stats stats() {
        return new RelayPath.Stats(packetsOut.sum(), bytesOut.sum(), packetsIn.sum(), bytesIn.sum(), dropped.sum());
    }

    /** Forwarding thread: QUIC → S → relay. One buffer for all datagrams; the TURN client wants its own array. */
    private void toRelay() {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        while (!closed) {
            SocketAddress from;
            try {
                buf.clear();
                from = shim.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            InetSocketAddress to = peer;
            if (to == null || !quicAddress.equals(from)) {
                dropped.increment(); // no peer to send to yet, or not our QUIC socket talking
                continue;
            }
            int n = buf.position();
            try {
                outbound.send(to, Arrays.copyOf(buf.array(), n));
                packetsOut.increment();
                bytesOut.add(n);
            } catch (IOException | IllegalStateException e) {
                dropped.increment(); // closing, or a transient send error: QUIC recovers or times out
            }
        }
    }

    /**
     * Relay → S → QUIC, on the TURN client's receive thread. Only permitted IPs get through (the server enforces it
     * too); a new port of a permitted IP becomes the peer (NAT rebinding).
     */
    void fromRelay(InetSocketAddress from, byte[] data) {
        if (closed || !permitted.contains(from.getAddress())) {
            dropped.increment();
            return;
        }
        lastInboundNanos = System.nanoTime();
        if (!from.equals(peer)) {
            peer = from;
            onNewPeer.accept(from);
        }
        try {
            shim.send(ByteBuffer.wrap(data), quicAddress);
            packetsIn.increment();
            bytesIn.add(data.length);
        } catch (IOException e) {
            dropped.increment();
        }
    }

    /** Closes both sockets: the forwarding thread ends, and QUIC's socket goes deaf and mute. */
    @Override
    public void close() {
        closed = true;
        quietly(quicSocket);
        quietly(shim);
    }

    private static DatagramChannel loopbackSocket() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        try {
            c.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            c.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            return c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            quietly(c);
            throw e;
        }
    }

    private static void quietly(DatagramChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
