package dev.peerlink.turn.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.function.Consumer;

/** Loopback servers with test defaults, and a UDP peer. */
final class TestServers {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland";
    static final String REALM = "peerlink.test";
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** ::1, whether or not the machine has it (check by binding). */
    static final InetAddress LOOPBACK6 = loopback6();

    private static InetAddress loopback6() {
        return v6(1);
    }

    /** The IPv6 wildcard, ::. */
    static InetAddress wildcard6() {
        return v6(0);
    }

    private static InetAddress v6(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private TestServers() {}

    /** Loopback on free ports, user alice, loopback peers allowed (tests run everything on 127.0.0.1). */
    static TurnServerConfig.Builder config() {
        return TurnServerConfig.builder()
                .listen(new InetSocketAddress(LOOPBACK, 0))
                .relayIp(LOOPBACK)
                .portRange(30000, 39999)
                .realm(REALM)
                .user(USER, PASSWORD)
                .allowPeer("127.0.0.0/8")
                .tlsPort(0) // self-signed certificate, made once per process
                .ioThreads(1);
    }

    static TurnServer start(Consumer<TurnServerConfig.Builder> tweak) {
        TurnServerConfig.Builder b = config();
        tweak.accept(b);
        try {
            return TurnServer.start(b.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TurnServer start() {
        return start(b -> { });
    }

    /** A UDP socket on loopback standing in for a peer on the internet. */
    static final class Peer implements AutoCloseable {
        final DatagramSocket socket;

        Peer() throws IOException {
            this(LOOPBACK);
        }

        /** On {@code ip}, e.g. ::1 for an IPv6 peer. */
        Peer(InetAddress ip) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(ip, 0));
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void send(InetSocketAddress to, byte[] data) throws IOException {
            socket.send(new DatagramPacket(data, data.length, to));
        }

        /** The next datagram, or null after {@code timeoutMillis}. */
        DatagramPacket receive(int timeoutMillis) throws IOException {
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout(timeoutMillis);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            p.setData(Arrays.copyOf(buf, p.getLength()));
            return p;
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
