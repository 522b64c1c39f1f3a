package dev.peerlink.secure;

import dev.peerlink.secure.internal.QuicConnector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Secure sessions over UDP paths: QUIC (RFC 9000, via Netty's QUIC codec on quiche/BoringSSL) with mutual TLS 1.3
 * and both device keys pinned.
 *
 * <p>The path is given, not found: the connection ladder hands over the UDP socket it hole-punched (or any bound
 * {@link DatagramChannel}) and the peer's address. The session takes ownership of the socket and closes it when
 * it ends. The initiator is the QUIC client ({@link #connect}); the other side runs {@link #accept} on its socket.
 *
 * <p>One transport owns one small event-loop group; share it across sessions and close it at shutdown.
 */
public final class QuicTransport implements AutoCloseable {
    private final QuicConnector connector;

    /** A transport with one I/O thread. */
    public QuicTransport() {
        this(1);
    }

    public QuicTransport(int ioThreads) {
        this.connector = new QuicConnector(ioThreads);
    }

    /**
     * Initiator side: QUIC client handshake to {@code remote} over {@code socket}; completes when the peer has
     * proved it is {@code expectedPeer}, or fails with a {@link SecureHandshakeException}.
     */
    public CompletableFuture<SecureSession> connect(DatagramChannel socket, InetSocketAddress remote,
                                                    DeviceIdentity self, PeerIdentity expectedPeer, SessionConfig config) {
        return connector.connect(socket, remote, self, expectedPeer, config);
    }

    /**
     * Responder side: QUIC server on {@code socket}; completes with the first connection whose client proves it is
     * {@code expectedPeer}. Handshakes from anyone else are refused and do not end the wait; the future fails with a
     * {@link SecureHandshakeException} after the handshake timeout if the expected peer never completes one.
     */
    public CompletableFuture<SecureSession> accept(DatagramChannel socket, DeviceIdentity self,
                                                   PeerIdentity expectedPeer, SessionConfig config) {
        return connector.accept(socket, self, expectedPeer, config);
    }

    /**
     * A UDP socket on this transport's event loop, bound to {@code local}, whose pipeline starts with {@code framing}:
     * for a path that wraps QUIC's datagrams (the relay path's TURN ChannelData), so that QUIC and the wrapping share
     * one socket and one thread. The datagrams {@code framing} passes on (and takes from QUIC) are Netty
     * {@code DatagramPacket}s, segmented ones where UDP GSO is on. QUIC joins with {@link #connect(Channel,
     * InetSocketAddress, DeviceIdentity, PeerIdentity, SessionConfig)} or {@link #accept(Channel, DeviceIdentity,
     * PeerIdentity, SessionConfig)}, which take ownership of the channel.
     */
    public Channel openUdp(InetSocketAddress local, ChannelHandler framing) throws IOException {
        return connector.openUdp(local, framing);
    }

    /** As the {@code DatagramChannel} {@code connect}, over a channel from {@link #openUdp}. */
    public CompletableFuture<SecureSession> connect(Channel udp, InetSocketAddress remote, DeviceIdentity self,
                                                    PeerIdentity expectedPeer, SessionConfig config) {
        return connector.connect(udp, remote, self, expectedPeer, config);
    }

    /** As the {@code DatagramChannel} {@code accept}, over a channel from {@link #openUdp}. */
    public CompletableFuture<SecureSession> accept(Channel udp, DeviceIdentity self, PeerIdentity expectedPeer,
                                                   SessionConfig config) {
        return connector.accept(udp, self, expectedPeer, config);
    }

    @Override
    public void close() {
        connector.close();
    }
}
