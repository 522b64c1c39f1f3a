package dev.peerlink.turn.client;

import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.RequestedAddressFamily;
import dev.peerlink.turn.client.internal.AllocationSession;
import dev.peerlink.turn.client.internal.RefreshSchedule;
import dev.peerlink.turn.client.internal.ServerConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A TURN client (RFC 8656) for one allocation on one server, over UDP or TCP. Blocking calls set
 * things up ({@link #allocate}, {@link #createPermission}, {@link #bindChannel}); from then on the
 * client keeps the allocation, permissions and channels alive by itself until {@link #close}.
 * Data from peers arrives at the {@link PeerDataHandler}. Thread-safe.
 *
 * <pre>{@code
 * try (TurnClient turn = TurnClient.builder(server, TurnCredentials.of("user", "pass"))
 *         .onData((peer, bytes) -> ...).connect()) {
 *     TurnAllocation a = turn.allocate();        // tell the peer a.relayedAddress()
 *     turn.createPermission(peer.getAddress());
 *     turn.bindChannel(peer);                      // optional: 4-byte header instead of 36
 *     turn.send(peer, bytes);
 * }
 * }</pre>
 *
 * <p>This class is the API and its settings; the allocation's state machine is {@code AllocationSession}, the
 * conversation with the server (transport, transactions, redirects) {@code ServerConnection}.
 */
public final class TurnClient implements AutoCloseable {
    private final AllocationSession session;

    private TurnClient(AllocationSession session) {
        this.session = session;
    }

    public static Builder builder(InetSocketAddress server, TurnCredentials credentials) {
        return new Builder(server, credentials);
    }

    /**
     * Creates the allocation: answers the 401 challenge (SHA-256 when the server offers it, MD5
     * otherwise), retries a stale nonce, and starts refreshing before the granted lifetime ends.
     *
     * @throws TurnAuthenticationException wrong credentials
     * @throws AllocationQuotaReachedException 486
     * @throws InsufficientCapacityException 508
     * @throws AllocationMismatchException 437 (the server already has an allocation for this 5-tuple)
     * @throws TryAlternateException a 300 not followed (a second one, an unsigned one, or on a socket owned elsewhere);
     *         a first 300 Try Alternate is followed: the Allocate is repeated on the ALTERNATE-SERVER ({@link #server()})
     */
    public TurnAllocation allocate() throws TurnException {
        return session.allocate();
    }

    /**
     * Lets the given peers' IPs send to the relayed address (and us send to them by Send
     * indication). The permissions are refreshed before they expire until {@link #close}.
     */
    public void createPermission(InetAddress... peers) throws TurnException {
        session.createPermission(peers);
    }

    /**
     * Binds a channel to the peer, so data to and from it travels as ChannelData (4-byte header)
     * instead of indications (36 bytes and more). Also installs the peer's permission. Returns the
     * channel number; binding an already bound peer returns its number.
     */
    public int bindChannel(InetSocketAddress peer) throws TurnException {
        return session.bindChannel(Objects.requireNonNull(peer, "peer"));
    }

    /**
     * Sends data to a peer through the relay: ChannelData when a channel is bound to it, else a
     * Send indication. Needs a permission for the peer's IP ({@link #createPermission} or
     * {@link #bindChannel}); without one the server would silently drop the data.
     */
    public void send(InetSocketAddress peer, byte[] data) throws IOException {
        session.send(peer, data);
    }

    /**
     * A datagram from the server, for a client on a socket it does not own ({@link Builder#socketOwnedBy}): responses,
     * Data indications and ChannelData, as the client's own receive thread would have handled them.
     */
    public void receive(java.nio.ByteBuffer datagram, InetSocketAddress from) {
        session.server().receive(datagram, from);
    }

    /** The peer a channel is bound to (or being bound to), if any: what ChannelData on that channel comes from. */
    public Optional<InetSocketAddress> peerOnChannel(int channel) {
        return session.peerOnChannel(channel);
    }

    public Optional<TurnAllocation> allocation() {
        return session.allocation();
    }

    /** The channel bound to a peer, if any. */
    public Optional<Integer> channel(InetSocketAddress peer) {
        return session.channel(peer);
    }

    public TurnClientStats stats() {
        return session.counters().snapshot();
    }

    /** The server holding the allocation: the one this client was built for, or where a 300 Try Alternate sent it. */
    public InetSocketAddress server() {
        return session.server().server();
    }

    /** This end of the 5-tuple: the local UDP socket or TCP connection address. */
    public InetSocketAddress localAddress() {
        return session.server().localAddress();
    }

    /**
     * Deletes the allocation (Refresh with LIFETIME 0), which drops its permissions and channels
     * on the server, stops all refreshing and closes the socket. Waits at most the configured
     * close timeout for the server's answer. Idempotent.
     */
    @Override
    public void close() {
        session.close();
    }

    /** Settings for a {@link TurnClient}; {@link #connect} opens the socket or connection. */
    public static final class Builder {
        private final InetSocketAddress server;
        private final TurnCredentials credentials;
        private TurnTransport transport = TurnTransport.UDP;
        private InetSocketAddress localAddress = new InetSocketAddress(0);
        private RetransmissionPolicy retransmission = RetransmissionPolicy.RFC_8489;
        private Duration requestedLifetime;
        private int relayFamily = RequestedAddressFamily.IPV4;
        private Duration permissionLifetime = Duration.ofSeconds(300);
        private Duration channelLifetime = Duration.ofSeconds(600);
        private double refreshFraction = RefreshSchedule.DEFAULT.fraction();
        private Duration closeTimeout = Duration.ofSeconds(3);
        private PeerDataHandler onData = (peer, data) -> {};
        private Consumer<TurnException> onFailure = e -> {};
        private SSLContext tls;
        private SSLContext dtls;
        private dev.peerlink.stun.client.StunUdpClient.DatagramSender socketOwner;
        private StreamConnector connector;

        private Builder(InetSocketAddress server, TurnCredentials credentials) {
            this.server = Objects.requireNonNull(server, "server");
            this.credentials = Objects.requireNonNull(credentials, "credentials");
        }

        public Builder transport(TurnTransport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        /**
         * The TLS context for {@link TurnTransport#TLS} (default: the JDK's, which checks the chain against the
         * system trust store). A caller whose payload is end-to-end protected anyway may pass one that trusts the
         * relay's self-signed certificate.
         */
        public Builder tls(SSLContext context) {
            this.tls = Objects.requireNonNull(context);
            return this;
        }

        /**
         * The DTLS 1.2 context for {@link TurnTransport#DTLS} (default: the JDK's {@code DTLSv1.2} with the system trust
         * store); {@link TurnTls#anyCertificateDtls()} accepts the relay's self-signed certificate.
         */
        public Builder dtls(SSLContext context) {
            this.dtls = Objects.requireNonNull(context);
            return this;
        }

        /**
         * UDP on a socket someone else owns and reads (e.g. an event loop that also carries the data the allocation
         * relays), bound to {@code local}: the client sends with {@code sender} and is handed what arrives from the
         * server through {@link TurnClient#receive}. It starts no receive thread and does not close the socket.
         */
        public Builder socketOwnedBy(dev.peerlink.stun.client.StunUdpClient.DatagramSender sender,
                                     InetSocketAddress local) {
            this.socketOwner = Objects.requireNonNull(sender);
            this.localAddress = Objects.requireNonNull(local);
            this.transport = TurnTransport.UDP;
            return this;
        }

        /**
         * How a TCP or TLS client reaches its server (default: a direct connection from the local address), e.g. a
         * CONNECT tunnel through an HTTP proxy; TLS then runs through it to the server (and to an alternate server).
         */
        public Builder connector(StreamConnector c) {
            this.connector = Objects.requireNonNull(c);
            return this;
        }

        /** Local address to bind (default: any address, ephemeral port). */
        public Builder localAddress(InetSocketAddress local) {
            this.localAddress = Objects.requireNonNull(local);
            return this;
        }

        /** UDP retransmission (default RFC 8489: RTO 500 ms, Rc 7, Rm 16). Unused over TCP. */
        public Builder retransmission(RetransmissionPolicy policy) {
            this.retransmission = Objects.requireNonNull(policy);
            return this;
        }

        /** LIFETIME to ask for in Allocate and Refresh (default: none, the server's default, 600 s). */
        public Builder requestedLifetime(Duration lifetime) {
            this.requestedLifetime = lifetime;
            return this;
        }

        /**
         * The relayed address's family: {@code RequestedAddressFamily.IPV4} (the default, sent as no attribute) or
         * {@code IPV6} (REQUESTED-ADDRESS-FAMILY, RFC 8656 §7.1: a relay on IPv6 for a peer that has only IPv6, whatever
         * family reaches the server). A server without it answers 440.
         */
        public Builder relayFamily(int family) {
            if (family != RequestedAddressFamily.IPV4 && family != RequestedAddressFamily.IPV6) {
                throw new IllegalArgumentException("address family 1 (IPv4) or 2 (IPv6), not " + family);
            }
            this.relayFamily = family;
            return this;
        }

        /**
         * How long the server keeps a permission (RFC 8656: 300 s, and responses do not say).
         * Set it lower only for servers configured with a shorter one.
         */
        public Builder permissionLifetime(Duration lifetime) {
            this.permissionLifetime = positive(lifetime);
            return this;
        }

        /** How long the server keeps a channel binding (RFC 8656: 600 s, and responses do not say). */
        public Builder channelLifetime(Duration lifetime) {
            this.channelLifetime = positive(lifetime);
            return this;
        }

        /** Refresh at this fraction of a lifetime (default 0.8). */
        public Builder refreshFraction(double fraction) {
            this.refreshFraction = new RefreshSchedule(fraction, Duration.ZERO).fraction();
            return this;
        }

        /** How long {@link TurnClient#close} waits for the server to confirm deallocation (default 3 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout);
            return this;
        }

        public Builder onData(PeerDataHandler handler) {
            this.onData = Objects.requireNonNull(handler);
            return this;
        }

        /** Told when a refresh fails for good: the allocation, a permission or a channel is lost. */
        public Builder onFailure(Consumer<TurnException> handler) {
            this.onFailure = Objects.requireNonNull(handler);
            return this;
        }

        /** Opens the UDP socket or the TCP connection to the server. Later changes to this builder do not reach it. */
        public TurnClient connect() throws IOException {
            SSLContext context = tls;
            if (transport == TurnTransport.TLS && context == null) {
                try {
                    context = SSLContext.getDefault();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IOException("no default TLS context", e);
                }
            }
            SSLContext dtlsContext = dtls;
            if (transport == TurnTransport.DTLS && dtlsContext == null) {
                try {
                    dtlsContext = SSLContext.getInstance("DTLSv1.2");
                    dtlsContext.init(null, null, null);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IOException("no DTLS context", e);
                }
            }
            ServerConnection.Endpoint endpoint = new ServerConnection.Endpoint(transport, localAddress, retransmission,
                    context == null ? null : context.getSocketFactory(), socketOwner, connector, dtlsContext);
            return new TurnClient(new AllocationSession(new AllocationSession.Settings(server, credentials, endpoint,
                    requestedLifetime, relayFamily, permissionLifetime, channelLifetime, refreshFraction, closeTimeout,
                    onData, onFailure)));
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive: " + d);
            }
            return d;
        }
    }
}
