package dev.peerlink.peer;

import dev.peerlink.peer.internal.NatCache;
import dev.peerlink.peer.internal.NetworkMonitor;
import dev.peerlink.peer.internal.ladder.InitiatorLadder;
import dev.peerlink.peer.internal.ladder.LadderContext;
import dev.peerlink.peer.internal.ladder.LadderSide;
import dev.peerlink.peer.internal.ladder.ResponderLadder;
import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.Offer;
import dev.peerlink.secure.QuicTransport;
import dev.peerlink.stun.nat.NatReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device: its identity, its signalling connection and its network information, kept fresh.
 * {@code Peer.builder().id("pc-1").server("ws://host:7000/v1/signal").home(dir).build().start()}.
 *
 * <p>At start and whenever its LAN addresses change, the peer runs NAT behaviour discovery against
 * the STUN server the signalling server named and announces the result ({@code update}). With a
 * {@linkplain Builder#natCache NAT cache}, a report remembered for the network it is on is announced at once (in the
 * registration) and verified by that discovery in the background. Brokering
 * ({@link #broker}) is here; turning a brokered session into a {@link PeerConnection} is the
 * connection ladder's job and comes later.
 */
public final class Peer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);
    /**
     * How long a Binding to the server's STUN may go unanswered before the network counts as UDP-blocked (three sends;
     * a UDP-capable network answers within one round trip, while discovery alone would wait ~2 s for test I).
     */
    static final java.time.Duration UDP_PROBE = java.time.Duration.ofMillis(1000);
    /** Ladder runs (each a listener, a UDP socket, timers) this device serves at once; more are refused. */
    static final int MAX_LADDER_RUNS = 64;

    private final DeviceIdentity identity;
    private final SignallingClient signalling;
    private final boolean discovery;
    private final Duration lanPoll;
    private final int listenPort;
    private final ScheduledExecutorService background;
    private volatile List<InetSocketAddress> lan = List.of();
    /** Public address and NAT behaviour: discovered, or remembered for this network until discovery verified it. */
    private volatile Learned learned;
    /** A discovery against the server's STUN produced a report (after which registrations do not discover again). */
    private volatile boolean verified;
    /** The server list as the NAT cache names it (one key for the whole service, not per instance). */
    private final String cacheServer;
    private final NatCache natCache;
    private final boolean fromCache;
    private final LadderConfig ladder;
    private final Duration pendingPoll;
    private final boolean acceptPushed;
    private final ScheduledExecutorService ladderTimers;
    private final Map<String, LadderSide> routes = new ConcurrentHashMap<>();
    private final Map<String, Long> handledSessions = new ConcurrentHashMap<>();
    private final CompletableFuture<NetworkInfo> discovered = new CompletableFuture<>();
    private volatile QuicTransport quic;
    private volatile LadderContext ladderContext;
    private volatile Consumer<PeerConnection> connectionHandler;
    private volatile Predicate<dev.peerlink.protocol.PeerRef> acceptPolicy = p -> true;
    private final MappingKeeper.Gateway gateway;
    private final Duration mappingLease;
    private final boolean offerUnverifiedMappings;
    private volatile MappingKeeper keeper;
    private volatile dev.peerlink.peer.internal.ladder.MappedListener mappedListener;

    private Peer(Builder b) throws IOException {
        DeviceId id = Objects.requireNonNull(b.id, "id");
        this.identity = b.identity != null ? b.identity
                : DeviceIdentity.loadOrCreate(id, b.home != null ? b.home : DeviceIdentity.defaultHome(id));
        this.discovery = b.discovery;
        this.lanPoll = b.lanPoll;
        this.listenPort = b.listenPort;
        this.lan = NetworkMonitor.lanAddresses(listenPort);
        List<URI> servers = Objects.requireNonNull(b.servers, "server");
        this.cacheServer = String.join(",", servers.stream().map(URI::toString).toList());
        this.natCache = b.discovery && b.natCache != null ? new NatCache(b.natCache) : null;
        if (natCache != null) {
            natCache.load(NatCache.currentKey(cacheServer))
                    .ifPresent(e -> learned = new Learned(e.publicAddress(), e.nat()));
        }
        this.fromCache = learned != null;
        SignallingClient.Builder sb = SignallingClient.builder().servers(servers).resolver(b.resolver)
                .identity(identity).aliases(b.aliases).enrollToken(b.enrollToken).network(network())
                .backoff(b.minBackoff, b.maxBackoff);
        if (b.sslContext != null) {
            sb.sslContext(b.sslContext);
        }
        sb.proxy(b.proxy);
        this.signalling = sb.build();
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerlink-peer-" + id);
            t.setDaemon(true);
            return t;
        });
        this.ladder = b.ladder;
        this.pendingPoll = b.pendingPoll;
        this.acceptPushed = b.acceptPushed;
        this.gateway = b.gateway;
        this.mappingLease = b.mappingLease;
        this.offerUnverifiedMappings = b.offerUnverifiedMappings;
        if (gateway != null && listenPort <= 0) {
            throw new IllegalArgumentException("a port mapping needs listenPort");
        }
        this.ladderTimers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerlink-ladder-timer-" + id);
            t.setDaemon(true);
            return t;
        });
        signalling.onSignal(sig -> {
            LadderSide side = routes.get(sig.session());
            if (side != null) {
                side.signalReceived(sig.data());
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects to the server; the future completes once registered. */
    public CompletableFuture<Peer> start() {
        signalling.onRegistered(r -> {
            if (discovery && !verified) {
                if (!r.stun().isEmpty()) {
                    background.execute(this::discoverAndUpdate); // with a cached report: its verification
                } else {
                    discovered.complete(network()); // the server names no STUN server: nothing to discover
                }
            }
        });
        if (fromCache) {
            discovered.complete(network()); // the ladder may use the remembered report while discovery verifies it
        }
        if (discovery) {
            long every = lanPoll.toMillis();
            background.scheduleWithFixedDelay(this::checkLan, every, every, TimeUnit.MILLISECONDS);
        }
        if (pendingPoll != null) {
            long every = pendingPoll.toMillis();
            ladderTimers.scheduleWithFixedDelay(this::pollPending, every, every, TimeUnit.MILLISECONDS);
        }
        Thread.ofVirtual().name("peerlink-warmup").start(() -> dev.peerlink.secure.SecureWarmup.warmUp(ladderContext().self()));
        if (gateway != null) {
            startMapped();
        }
        return signalling.start().thenApply(r -> this);
    }

    public DeviceId id() {
        return identity.deviceId();
    }

    public DeviceIdentity identity() {
        return identity;
    }

    public SignallingClient signalling() {
        return signalling;
    }

    /** The network information last announced (LAN addresses, public mapping and NAT behaviour once known). */
    public NetworkInfo network() {
        Learned l = learned;
        return new NetworkInfo(lan, l == null ? null : l.publicAddress(), l == null ? null : l.nat(),
                listenPort > 0 ? new NetworkInfo.Listen(listenPort, listenPort) : null,
                keeper == null ? List.of() : keeper.mappings().stream().map(MappingKeeper::toWire).toList());
    }

    /** Whether the NAT report came from the cache and discovery has not yet verified it. */
    public boolean natFromCache() {
        return fromCache && !verified;
    }

    /** Handles incoming connect requests at the brokering level (no ladder; see {@link #onConnection}). */
    public void onIncoming(Consumer<IncomingRequest> handler) {
        signalling.onIncoming(handler);
    }

    /**
     * Serves other devices: each accepted request runs the target's side of the ladder, and {@code handler} gets the
     * connection (on a virtual thread of its own) once a path is selected.
     */
    public void onConnection(Consumer<PeerConnection> handler) {
        this.connectionHandler = Objects.requireNonNull(handler);
        signalling.onIncoming(req -> {
            if (acceptPushed) {
                serve(req);
            }
        });
    }

    /** Which devices may connect (default: any registered device); the others are refused. */
    public void acceptFrom(Predicate<dev.peerlink.protocol.PeerRef> policy) {
        this.acceptPolicy = Objects.requireNonNull(policy);
    }

    /**
     * Connects to {@code target} by the best path the ladder finds. Fails with a {@link ConnectException}: target
     * offline or unknown, refused, or no path within the ladder's timeout.
     */
    public CompletableFuture<PeerConnection> connect(Identity target) {
        return new InitiatorLadder(ladderContext(), SignallingClient.newSessionId()).run(target);
    }

    public LadderConfig ladderConfig() {
        return ladder;
    }

    private void serve(IncomingRequest req) {
        long now = System.currentTimeMillis();
        handledSessions.values().removeIf(t -> now - t > 120_000);
        if (handledSessions.putIfAbsent(req.session(), now) != null) {
            return; // pushed and pulled: run once
        }
        Consumer<PeerConnection> h = connectionHandler;
        if (h == null || !acceptPolicy.test(req.from())) {
            req.reject("not accepting connections");
            return;
        }
        if (routes.size() >= MAX_LADDER_RUNS) {
            req.reject("busy: " + MAX_LADDER_RUNS + " connection attempts in progress");
            return;
        }
        new ResponderLadder(ladderContext(), req, h).run();
    }

    /**
     * The persistent TCP listener on {@code listenPort} (path {@code mapped}; also answers the mapping monitor's TCP
     * probes) and the gateway mapping of that port, kept by a {@link MappingKeeper} in the background.
     */
    private void startMapped() {
        MappingKeeper k = MappingKeeper.builder().client(signalling).gateway(gateway).lease(mappingLease)
                .serveProbes(false).build();
        keeper = k;
        try {
            mappedListener = dev.peerlink.peer.internal.ladder.MappedListener.open(listenPort, ladderContext().self(),
                    ladder.session(), routes,
                    (bytes, len) -> k.handleProbe(dev.peerlink.portmap.Transport.TCP, listenPort, bytes, 0, len));
        } catch (IOException e) {
            LOG.warn("{}: cannot listen on TCP port {}: {}", id(), listenPort, e.toString());
            return;
        }
        Thread.ofVirtual().name("peerlink-map-" + listenPort).start(() -> {
            try {
                k.keep(dev.peerlink.portmap.Transport.TCP, listenPort);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: no gateway mapping for TCP port {}: {}", id(), listenPort, e.toString());
            }
        });
    }

    /** The mapping keeper when a gateway was configured ({@link Builder#portMapping}), else null. */
    public MappingKeeper mappingKeeper() {
        return keeper;
    }

    /** External endpoints of this device's TCP mappings of {@code listenPort} that the ladder offers ({@code mapped}). */
    public List<InetSocketAddress> mappedCandidates() {
        MappingKeeper k = keeper;
        if (k == null || mappedListener == null) {
            return List.of();
        }
        return (offerUnverifiedMappings ? k.mappings() : k.verifiedMappings()).stream()
                .filter(m -> m.transport() == dev.peerlink.portmap.Transport.TCP && m.internal().getPort() == listenPort)
                .map(dev.peerlink.portmap.PortMapping::external).toList();
    }

    private void pollPending() {
        if (connectionHandler == null || signalling.state() != SignallingClient.State.REGISTERED) {
            return;
        }
        signalling.pending().thenAccept(items -> items.forEach(this::serve)).exceptionally(e -> {
            LOG.debug("{}: pending poll failed: {}", id(), e.toString());
            return null;
        });
    }

    private LadderContext ladderContext() {
        LadderContext c = ladderContext;
        if (c == null) {
            synchronized (this) {
                if (ladderContext == null) {
                    quic = new QuicTransport();
                    ladderContext = new LadderContext(
                            dev.peerlink.secure.DeviceIdentity.of(new KeyPair(identity.publicKey(), identity.privateKey())),
                            signalling, quic, ladder, ladderTimers, this::network, routes, this::mappedCandidates);
                }
                c = ladderContext;
            }
        }
        return c;
    }

    /**
     * Brokers a session with {@code target}, offering this device's network information and
     * {@code paths}: completes with the target's key and answer. The ladder builds on this.
     */
    public CompletableFuture<Brokered> broker(Identity target, List<String> paths) {
        return signalling.connect(target, new Offer(network(), null, paths).toBlob());
    }

    private void checkLan() {
        List<InetSocketAddress> now = NetworkMonitor.lanAddresses(listenPort);
        if (!now.equals(lan)) {
            LOG.info("{}: LAN addresses changed: {}", id(), now);
            lan = now;
            discoverAndUpdate();
        }
    }

    private void discoverAndUpdate() {
        Message.Registered r = signalling.registration();
        if (r != null && !r.stun().isEmpty()) {
            try {
                Learned now;
                if (NetworkMonitor.udpBlocked(r.stun().stream().map(Endpoints::parse).toList(), UDP_PROBE)) {
                    now = new Learned(null, NetworkMonitor.UDP_BLOCKED); // the ladder skips its UDP rungs
                } else {
                    NatReport report = NetworkMonitor.discover(Endpoints.parse(r.stun().get(0)));
                    now = new Learned(report.publicAddress().orElse(null), NetworkMonitor.nat(report));
                }
                Learned before = learned;
                learned = now;
                verified = true;
                if (before != null && !Objects.equals(before.nat(), now.nat())) {
                    LOG.info("{}: NAT now {} (was {})", id(), now.nat(), before.nat());
                }
                if (natCache != null) {
                    natCache.save(NatCache.currentKey(cacheServer), now.publicAddress(), now.nat());
                }
            } catch (IOException e) {
                LOG.warn("{}: NAT discovery failed: {}", id(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // keep the gateway mappings a MappingKeeper announced on this connection
        NetworkInfo announced = signalling.network();
        signalling.update(announced == null ? network() : network().withMappings(announced.mappings()));
        discovered.complete(network());
    }

    /**
     * Completes once the first NAT discovery after registration finished (successfully or not) and was announced;
     * at once when discovery is off, or at {@link #start} when the NAT cache knew this network.
     */
    public CompletableFuture<NetworkInfo> discovered() {
        if (!discovery) {
            discovered.complete(network());
        }
        return discovered;
    }

    @Override
    public void close() {
        closeQuietly(mappedListener);
        closeQuietly(keeper);
        background.shutdownNow();
        ladderTimers.shutdownNow();
        signalling.close();
        QuicTransport q = quic;
        if (q != null) {
            q.close();
        }
    }

    /** What discovery found (or the cache remembered): the mapped address of its socket, and the NAT's behaviour. */
    private record Learned(InetSocketAddress publicAddress, NetworkInfo.Nat nat) {}

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("close: {}", e.toString());
            }
        }
    }

    public static final class Builder {
        private DeviceId id;
        private List<URI> servers;
        private ServerResolver resolver = ServerResolver.system();
        private Path home;
        private DeviceIdentity identity;
        private Aliases aliases = Aliases.NONE;
        private String enrollToken;
        private SSLContext sslContext;
        private dev.peerlink.protocol.HttpProxy proxy;
        private boolean discovery = true;
        private Duration lanPoll = Duration.ofSeconds(10);
        private int listenPort;
        private Duration minBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private LadderConfig ladder = LadderConfig.defaults();
        private Duration pendingPoll;
        private boolean acceptPushed = true;
        private MappingKeeper.Gateway gateway;
        private Duration mappingLease = Duration.ofHours(2);
        private boolean offerUnverifiedMappings;
        private Path natCache;

        public Builder id(String id) { this.id = DeviceId.of(id); return this; }
        /**
         * {@code ws://host:port/v1/signal}, {@code wss://...}, or {@code host:port} (plain ws); several separated by
         * commas are {@link #servers(List)}.
         */
        public Builder server(String server) { return servers(ServerList.parse(server)); }
        public Builder server(URI server) { return servers(List.of(server)); }
        /**
         * Several servers of one service (identical instances, e.g. a cluster): the device registers at a random one and
         * moves to another when it loses the connection (backoff with jitter, same key and aliases, its latest network
         * information); its peer connections do not depend on the server and keep flowing. A host name with several
         * addresses counts as that many servers.
         */
        public Builder servers(List<URI> servers) {
            servers.forEach(ServerList::check);
            this.servers = List.copyOf(servers);
            return this;
        }
        /** How server host names become addresses (default: the system resolver). */
        public Builder resolver(ServerResolver resolver) { this.resolver = Objects.requireNonNull(resolver); return this; }
        /** Where the device key lives (default {@code ~/.peerlink/<id>}). */
        public Builder home(Path home) { this.home = home; return this; }
        /** Use this identity instead of one under {@code home}. */
        public Builder identity(DeviceIdentity identity) { this.identity = identity; this.id = identity.deviceId(); return this; }
        public Builder aliases(Aliases aliases) { this.aliases = aliases; return this; }
        public Builder enrollToken(String token) { this.enrollToken = token; return this; }
        public Builder sslContext(SSLContext ctx) { this.sslContext = ctx; return this; }
        /**
         * Reach the server through this HTTP CONNECT proxy, as browsers do on a network whose only way out is a proxy
         * (default: as {@code HTTPS_PROXY}/{@code HTTP_PROXY}/{@code NO_PROXY} say, then the JVM's proxy settings).
         */
        public Builder proxy(dev.peerlink.protocol.HttpProxy proxy) { this.proxy = proxy; return this; }
        /** NAT discovery against the server's STUN and LAN polling (default on). */
        public Builder discovery(boolean on) { this.discovery = on; return this; }
        public Builder lanPoll(Duration every) { this.lanPoll = every; return this; }
        /**
         * Remembers the NAT report per network in {@code file} (JSON; null: off, the default) and starts from it on a
         * network seen within a day: announced at once, verified by discovery in the background, replaced if the
         * network answered differently. For short-lived processes (the {@code connect} command); a network is named by
         * the server, the device's addresses and its default gateways.
         */
        public Builder natCache(Path file) { this.natCache = file; return this; }
        /** The port this device accepts connections on (announced with its LAN addresses). */
        public Builder listenPort(int port) { this.listenPort = port; return this; }
        public Builder backoff(Duration min, Duration max) { this.minBackoff = min; this.maxBackoff = max; return this; }
        public Builder ladder(LadderConfig config) { this.ladder = Objects.requireNonNull(config); return this; }
        /** Pull mode: ask the server for requests waiting for this device every {@code every} (null: off). */
        public Builder pendingPoll(Duration every) { this.pendingPoll = every; return this; }
        /** Whether requests the server pushes are served (default true); false with {@link #pendingPoll} = pull only. */
        public Builder acceptPushed(boolean on) { this.acceptPushed = on; return this; }

        /**
         * Maps {@link #listenPort} (TCP) on this gateway and serves it with a persistent listener for the life of the
         * peer: once the server's mapping monitor verified the mapping (a probe came through it), the ladder offers its
         * external endpoint as a {@code mapped} candidate. Needs {@code listenPort}.
         */
        public Builder portMapping(MappingKeeper.Gateway gateway) { this.gateway = gateway; return this; }
        /** {@link #portMapping(MappingKeeper.Gateway)} with the real UPnP / NAT-PMP / PCP client. */
        public Builder portMapper(dev.peerlink.portmap.PortMapper mapper) { this.gateway = MappingKeeper.Gateway.of(mapper); return this; }
        public Builder mappingLease(Duration lease) { this.mappingLease = Objects.requireNonNull(lease); return this; }
        /** Offer mappings before the server's monitor verified them (default false; for servers without the monitor). */
        public Builder offerUnverifiedMappings(boolean on) { this.offerUnverifiedMappings = on; return this; }

        public Peer build() throws IOException {
            return new Peer(this);
        }
    }
}
