package dev.peerlink.turn.client;

import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.TransactionId;
import dev.peerlink.stun.attribute.XorMappedAddress;
import dev.peerlink.stun.client.RetransmissionPolicy;
import dev.peerlink.turn.ChannelData;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.attribute.ChannelNumber;
import dev.peerlink.turn.attribute.Data;
import dev.peerlink.turn.attribute.Lifetime;
import dev.peerlink.turn.attribute.RequestedTransport;
import dev.peerlink.turn.attribute.XorPeerAddress;
import dev.peerlink.turn.attribute.XorRelayedAddress;
import dev.peerlink.turn.client.internal.ChannelNumbers;
import dev.peerlink.turn.client.internal.Counters;
import dev.peerlink.turn.client.internal.LongTermAuth;
import dev.peerlink.turn.client.internal.RefreshLoop;
import dev.peerlink.turn.client.internal.RefreshSchedule;
import dev.peerlink.turn.client.internal.ServerLink;
import dev.peerlink.turn.client.internal.TcpServerLink;
import dev.peerlink.turn.client.internal.Transactor;
import dev.peerlink.turn.client.internal.UdpServerLink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class TurnClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TurnClient.class);
    /** CreatePermission requests carry at most this many peers, to stay well inside one datagram. */
    private static final int PEERS_PER_PERMISSION_REQUEST = 32;

    private final Builder config;
    private final ServerLink link;
    private final Transactor transactor;
    private final Counters counters = new Counters();
    private final ScheduledExecutorService scheduler;
    private final ChannelNumbers channelNumbers = new ChannelNumbers();
    private final Set<InetAddress> permitted = ConcurrentHashMap.newKeySet();
    private final Map<InetSocketAddress, Integer> channelByPeer = new ConcurrentHashMap<>();
    private final Map<Integer, InetSocketAddress> peerByChannel = new ConcurrentHashMap<>();
    private final RefreshLoop allocationLoop;
    private final RefreshLoop permissionLoop;
    private final RefreshLoop channelLoop;
    private final Object setupLock = new Object();
    private volatile TurnAllocation allocation;
    private volatile boolean failed;
    private volatile boolean closed;

    private TurnClient(Builder config) throws IOException {
        this.config = config;
        ServerLink.Inbound inbound = new ServerLink.Inbound() {
            @Override
            public void indication(StunMessage m) {
                onIndication(m);
            }

            @Override
            public void channelData(ChannelData d) {
                onChannelData(d);
            }
        };
        if (config.socketOwner != null) {
            this.link = UdpServerLink.over(config.socketOwner, config.localAddress, config.server,
                    config.retransmission, inbound);
        } else {
            this.link = switch (config.transport) {
                case UDP -> UdpServerLink.open(config.localAddress, config.server, config.retransmission, inbound);
                case TCP -> TcpServerLink.open(config.localAddress, config.server, TcpServerLink.TRANSACTION_TIMEOUT, inbound,
                        null, config.connector);
                case TLS -> TcpServerLink.open(config.localAddress, config.server, TcpServerLink.TRANSACTION_TIMEOUT, inbound,
                        config.tls.getSocketFactory(), config.connector);
            };
        }
        this.transactor = new Transactor(link, new LongTermAuth(config.credentials), counters);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turn-refresh-" + link.localAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        RefreshSchedule schedule = new RefreshSchedule(config.refreshFraction, Duration.ofMillis(500));
        this.allocationLoop = new RefreshLoop("allocation", scheduler, schedule, this::refreshAllocation,
                counters.allocationRefreshes, counters.refreshFailures, this::allocationLost);
        this.permissionLoop = new RefreshLoop("permissions", scheduler, schedule, this::refreshPermissions,
                counters.permissionRefreshes, counters.refreshFailures, this::reportFailure);
        this.channelLoop = new RefreshLoop("channels", scheduler, schedule, this::refreshChannels,
                counters.channelRefreshes, counters.refreshFailures, this::reportFailure);
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
     */
    public TurnAllocation allocate() throws TurnException {
        synchronized (setupLock) {
            ensureOpen();
            if (allocation != null) {
                throw new IllegalStateException("already allocated: " + allocation.relayedAddress());
            }
            StunMessage r = transactor.run(StunMethod.ALLOCATE, b -> {
                b.add(new RequestedTransport(RequestedTransport.UDP));
                if (config.requestedLifetime != null) {
                    b.add(new Lifetime(config.requestedLifetime.toSeconds()));
                }
            });
            InetSocketAddress relayed = r.attribute(XorRelayedAddress.class).map(XorRelayedAddress::address)
                    .orElseThrow(() -> new TurnException("Allocate success without XOR-RELAYED-ADDRESS", 0));
            InetSocketAddress mapped = r.attribute(XorMappedAddress.class).map(XorMappedAddress::address)
                    .orElseThrow(() -> new TurnException("Allocate success without XOR-MAPPED-ADDRESS", 0));
            TurnAllocation a = new TurnAllocation(relayed, mapped, grantedLifetime(r));
            allocation = a;
            allocationLoop.start(a.lifetime());
            return a;
        }
    }

    /**
     * Lets the given peers' IPs send to the relayed address (and us send to them by Send
     * indication). The permissions are refreshed before they expire until {@link #close}.
     */
    public void createPermission(InetAddress... peers) throws TurnException {
        synchronized (setupLock) {
            ensureAllocated();
            List<InetAddress> fresh = List.of(peers);
            createPermissions(fresh);
            permitted.addAll(fresh);
            if (!permissionLoop.running()) {
                permissionLoop.start(config.permissionLifetime);
            }
        }
    }

    /**
     * Binds a channel to the peer, so data to and from it travels as ChannelData (4-byte header)
     * instead of indications (36 bytes and more). Also installs the peer's permission. Returns the
     * channel number; binding an already bound peer returns its number.
     */
    public int bindChannel(InetSocketAddress peer) throws TurnException {
        Objects.requireNonNull(peer, "peer");
        synchronized (setupLock) {
            ensureAllocated();
            Integer existing = channelByPeer.get(peer);
            if (existing != null) {
                return existing;
            }
            int number = channelNumbers.reserve(peer);
            peerByChannel.put(number, peer); // before the response: the server may relay right after binding
            try {
                channelBind(number, peer);
            } catch (TurnException | RuntimeException e) {
                peerByChannel.remove(number);
                channelNumbers.abandon(number);
                throw e;
            }
            channelByPeer.put(peer, number);
            permitted.add(peer.getAddress()); // ChannelBind installed it; refresh it with the rest
            if (!permissionLoop.running()) {
                permissionLoop.start(config.permissionLifetime);
            }
            if (!channelLoop.running()) {
                channelLoop.start(config.channelLifetime);
            }
            return number;
        }
    }

    /**
     * Sends data to a peer through the relay: ChannelData when a channel is bound to it, else a
     * Send indication. Needs a permission for the peer's IP ({@link #createPermission} or
     * {@link #bindChannel}); without one the server would silently drop the data.
     */
    public void send(InetSocketAddress peer, byte[] data) throws IOException {
        ensureOpen();
        Integer channel = channelByPeer.get(peer);
        byte[] wire;
        if (channel != null) {
            wire = new ChannelData(channel, data).encode(link.streamOriented());
        } else {
            if (!permitted.contains(peer.getAddress())) {
                throw new IllegalStateException("no permission for " + peer.getAddress()
                        + "; call createPermission or bindChannel first");
            }
            StunMessage indication = StunMessage.builder(StunMethod.SEND, StunClass.INDICATION, TransactionId.random())
                    .add(new XorPeerAddress(peer)).add(new Data(data)).build();
            wire = StunEncoder.standard().encode(indication);
        }
        link.send(wire);
        counters.packetsSent.increment();
    }

    /**
     * A datagram from the server, for a client on a socket it does not own ({@link Builder#socketOwnedBy}): responses,
     * Data indications and ChannelData, as the client's own receive thread would have handled them.
     */
    public void receive(java.nio.ByteBuffer datagram, InetSocketAddress from) {
        if (!(link instanceof UdpServerLink udp) || config.socketOwner == null) {
            throw new IllegalStateException("this client reads its own socket");
        }
        udp.receive(datagram, from);
    }

    /** The peer a channel is bound to (or being bound to), if any: what ChannelData on that channel comes from. */
    public Optional<InetSocketAddress> peerOnChannel(int channel) {
        return Optional.ofNullable(peerByChannel.get(channel));
    }

    public Optional<TurnAllocation> allocation() {
        return Optional.ofNullable(allocation);
    }

    /** The channel bound to a peer, if any. */
    public Optional<Integer> channel(InetSocketAddress peer) {
        return Optional.ofNullable(channelByPeer.get(peer));
    }

    public TurnClientStats stats() {
        return counters.snapshot();
    }

    /** This end of the 5-tuple: the local UDP socket or TCP connection address. */
    public InetSocketAddress localAddress() {
        return link.localAddress();
    }

    /**
     * Deletes the allocation (Refresh with LIFETIME 0), which drops its permissions and channels
     * on the server, stops all refreshing and closes the socket. Waits at most the configured
     * close timeout for the server's answer. Idempotent.
     */
    @Override
    public void close() {
        synchronized (setupLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        allocationLoop.stop();
        permissionLoop.stop();
        channelLoop.stop();
        scheduler.shutdownNow();
        if (allocation != null && !failed) {
            try {
                transactor.run(StunMethod.REFRESH, b -> b.add(new Lifetime(0)), config.closeTimeout);
            } catch (AllocationMismatchException e) {
                // already gone (expired, or a retransmitted delete found nothing): what we wanted
            } catch (TurnException e) {
                log.debug("deallocation on {} failed; the server will expire it: {}", config.server, e.toString());
            }
        }
        link.close();
    }

    private Duration refreshAllocation() throws TurnException {
        StunMessage r = transactor.run(StunMethod.REFRESH, b -> {
            if (config.requestedLifetime != null) {
                b.add(new Lifetime(config.requestedLifetime.toSeconds()));
            }
        });
        return grantedLifetime(r);
    }

    private Duration refreshPermissions() throws TurnException {
        createPermissions(List.copyOf(permitted));
        return config.permissionLifetime;
    }

    private Duration refreshChannels() throws TurnException {
        for (Map.Entry<InetSocketAddress, Integer> e : Map.copyOf(channelByPeer).entrySet()) {
            channelBind(e.getValue(), e.getKey());
        }
        return config.channelLifetime;
    }

    private void createPermissions(List<InetAddress> peers) throws TurnException {
        for (int i = 0; i < peers.size(); i += PEERS_PER_PERMISSION_REQUEST) {
            List<InetAddress> batch = peers.subList(i, Math.min(peers.size(), i + PEERS_PER_PERMISSION_REQUEST));
            transactor.run(StunMethod.CREATE_PERMISSION, b -> {
                for (InetAddress ip : batch) {
                    b.add(new XorPeerAddress(new InetSocketAddress(ip, 0))); // the port is ignored
                }
            });
        }
    }

    private void channelBind(int number, InetSocketAddress peer) throws TurnException {
        transactor.run(StunMethod.CHANNEL_BIND, b -> b.add(new ChannelNumber(number)).add(new XorPeerAddress(peer)));
    }

    private Duration grantedLifetime(StunMessage response) {
        // RFC 8656 requires LIFETIME in Allocate and Refresh successes; assume the default if a server forgets.
        return Duration.ofSeconds(response.attribute(Lifetime.class).map(Lifetime::seconds).orElse(600L));
    }

    private void onIndication(StunMessage m) {
        if (m.method().equals(StunMethod.DATA)) {
            var peer = m.attribute(XorPeerAddress.class);
            var data = m.attribute(Data.class);
            if (peer.isPresent() && data.isPresent()) {
                deliver(peer.get().address(), data.get().value());
            }
        }
    }

    private void onChannelData(ChannelData d) {
        InetSocketAddress peer = peerByChannel.get(d.channel());
        if (peer != null) {
            deliver(peer, d.data());
        }
    }

    private void deliver(InetSocketAddress peer, byte[] data) {
        counters.packetsReceived.increment();
        try {
            config.onData.onData(peer, data);
        } catch (RuntimeException e) {
            log.warn("data handler threw; the client keeps receiving", e);
        }
    }

    private void allocationLost(TurnException e) {
        failed = true;
        permissionLoop.stop();
        channelLoop.stop();
        reportFailure(e);
    }

    private void reportFailure(TurnException e) {
        try {
            config.onFailure.accept(e);
        } catch (RuntimeException ex) {
            log.warn("failure handler threw", ex);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("TURN client closed");
        }
    }

    private void ensureAllocated() {
        ensureOpen();
        if (allocation == null) {
            throw new IllegalStateException("allocate() first");
        }
        if (failed) {
            throw new IllegalStateException("the allocation was lost; close this client and allocate anew");
        }
    }

    /** Settings for a {@link TurnClient}; {@link #connect} opens the socket or connection. */
    public static final class Builder {
        private final InetSocketAddress server;
        private final TurnCredentials credentials;
        private TurnTransport transport = TurnTransport.UDP;
        private InetSocketAddress localAddress = new InetSocketAddress(0);
        private RetransmissionPolicy retransmission = RetransmissionPolicy.RFC_8489;
        private Duration requestedLifetime;
        private Duration permissionLifetime = Duration.ofSeconds(300);
        private Duration channelLifetime = Duration.ofSeconds(600);
        private double refreshFraction = RefreshSchedule.DEFAULT.fraction();
        private Duration closeTimeout = Duration.ofSeconds(3);
        private PeerDataHandler onData = (peer, data) -> {};
        private Consumer<TurnException> onFailure = e -> {};
        private SSLContext tls;
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
         * CONNECT tunnel through an HTTP proxy; TLS then runs through it to the server.
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

        /** Opens the UDP socket or the TCP connection to the server. */
        public TurnClient connect() throws IOException {
            Builder b = copy(); // later changes to this builder do not reach the client
            if (b.transport == TurnTransport.TLS && b.tls == null) {
                try {
                    b.tls = SSLContext.getDefault();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IOException("no default TLS context", e);
                }
            }
            return new TurnClient(b);
        }

        private Builder copy() {
            Builder b = new Builder(server, credentials);
            b.transport = transport;
            b.localAddress = localAddress;
            b.retransmission = retransmission;
            b.requestedLifetime = requestedLifetime;
            b.permissionLifetime = permissionLifetime;
            b.channelLifetime = channelLifetime;
            b.refreshFraction = refreshFraction;
            b.closeTimeout = closeTimeout;
            b.onData = onData;
            b.onFailure = onFailure;
            b.tls = tls;
            b.socketOwner = socketOwner;
            b.connector = connector;
            return b;
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive: " + d);
            }
            return d;
        }
    }
}
