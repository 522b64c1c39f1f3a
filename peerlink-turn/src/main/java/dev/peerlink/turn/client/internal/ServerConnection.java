package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.stun.client.StunUdpClient;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.client.TryAlternateException;
import dev.peerlink.turn.client.TurnException;
import dev.peerlink.turn.client.TurnTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;

/**
 * The client's conversation with its TURN server: opens the link for the transport (UDP, TCP, TLS, DTLS, or UDP on a socket
 * owned elsewhere), runs authenticated transactions on it, sends indications and ChannelData, and moves to another
 * server when an Allocate is redirected. What is allocated, permitted and bound is {@link AllocationSession}'s.
 */
public final class ServerConnection implements AutoCloseable {
    /** How servers are reached, whichever server it is: transport, local address, and what each transport needs. */
    public record Endpoint(TurnTransport transport, InetSocketAddress local, RetransmissionPolicy retransmission,
                           SSLSocketFactory tls, StunUdpClient.DatagramSender socketOwner,
                           dev.peerlink.turn.client.StreamConnector connector, javax.net.ssl.SSLContext dtls) {}

    private final Endpoint endpoint;
    private final TurnCredentials credentials;
    private final Counters counters;
    private final ServerLink.Inbound inbound;
    private volatile InetSocketAddress server;
    private volatile ServerLink link; // replaced once, by a 300 Try Alternate during the Allocate
    private volatile Transactor transactor;

    public ServerConnection(Endpoint endpoint, InetSocketAddress server, TurnCredentials credentials, Counters counters,
                            ServerLink.Inbound inbound) throws IOException {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.counters = counters;
        this.inbound = inbound;
        this.server = server;
        this.link = open(server);
        this.transactor = new Transactor(link, new LongTermAuth(credentials), counters);
    }

    private ServerLink open(InetSocketAddress to) throws IOException {
        if (endpoint.socketOwner() != null) {
            return UdpServerLink.over(endpoint.socketOwner(), endpoint.local(), to, endpoint.retransmission(), inbound);
        }
        return switch (endpoint.transport()) {
            case UDP -> UdpServerLink.open(endpoint.local(), to, endpoint.retransmission(), inbound);
            case TCP -> TcpServerLink.open(endpoint.local(), to, TcpServerLink.TRANSACTION_TIMEOUT, inbound, null,
                    endpoint.connector());
            case TLS -> TcpServerLink.open(endpoint.local(), to, TcpServerLink.TRANSACTION_TIMEOUT, inbound, endpoint.tls(),
                    endpoint.connector());
            case DTLS -> DtlsServerLink.open(endpoint.local(), to, endpoint.retransmission(), inbound, endpoint.dtls());
        };
    }

    /** One authenticated request to success or a typed failure ({@link Transactor}). */
    public StunMessage run(StunMethod method, Consumer<StunMessage.Builder> attributes) throws TurnException {
        return transactor.run(method, attributes);
    }

    /** As {@link #run(StunMethod, Consumer)}, giving up after {@code maxWait}. */
    public StunMessage run(StunMethod method, Consumer<StunMessage.Builder> attributes, Duration maxWait)
            throws TurnException {
        return transactor.run(method, attributes, maxWait);
    }

    /**
     * Moves to the ALTERNATE-SERVER of a 300 (RFC 8656 §7.4, RFC 8489 §10): a new link over the same transport, and
     * authentication from scratch with the same credentials, since the realm and nonce there are the alternate's own.
     * A socket owned elsewhere stays where it is (rethrowing {@code redirect}): its owner routes by server address.
     */
    public InetSocketAddress moveTo(TryAlternateException redirect) throws TurnException {
        InetSocketAddress alternate = redirect.alternate().orElseThrow(() -> redirect);
        if (endpoint.socketOwner() != null) {
            throw redirect;
        }
        link.close(); // first: a fixed local port is then free for the new link
        try {
            link = open(alternate);
        } catch (IOException io) {
            throw new TurnException("cannot reach the ALTERNATE-SERVER " + alternate + ": " + io.getMessage(), io);
        }
        transactor = new Transactor(link, new LongTermAuth(credentials), counters);
        server = alternate;
        return alternate;
    }

    /** Sends an indication or ChannelData. */
    public void send(byte[] wire) throws IOException {
        link.send(wire);
    }

    /** A datagram from the server read by the socket's owner ({@link Endpoint#socketOwner()}). */
    public void receive(ByteBuffer datagram, InetSocketAddress from) {
        if (!(link instanceof UdpServerLink udp) || endpoint.socketOwner() == null) {
            throw new IllegalStateException("this client reads its own socket");
        }
        udp.receive(datagram, from);
    }

    /** ChannelData is padded to 4 bytes on a stream. */
    public boolean streamOriented() {
        return link.streamOriented();
    }

    public InetSocketAddress server() {
        return server;
    }

    public InetSocketAddress localAddress() {
        return link.localAddress();
    }

    @Override
    public void close() {
        link.close();
    }
}
