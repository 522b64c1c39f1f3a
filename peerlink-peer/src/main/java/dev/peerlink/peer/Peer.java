package dev.peerlink.peer;

import dev.peerlink.peer.internal.NetworkMonitor;
import dev.peerlink.protocol.Aliases;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.Identity;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.protocol.Offer;
import dev.peerlink.stun.nat.NatReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device: its identity, its signalling connection and its network information, kept fresh.
 * {@code Peer.builder().id("pc-1").server("ws://host:7000/v1/signal").home(dir).build().start()}.
 *
 * <p>At start and whenever its LAN addresses change, the peer runs NAT behaviour discovery against
 * the STUN server the signalling server named and announces the result ({@code update}). Brokering
 * ({@link #broker}) is here; turning a brokered session into a {@link PeerConnection} is the
 * connection ladder's job and comes later.
 */
public final class Peer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    private final DeviceIdentity identity;
    private final SignallingClient signalling;
    private final boolean discovery;
    private final Duration lanPoll;
    private final int listenPort;
    private final ScheduledExecutorService background;
    private volatile List<InetSocketAddress> lan = List.of();
    private volatile NatReport lastNat;

    private Peer(Builder b) throws IOException {
        DeviceId id = Objects.requireNonNull(b.id, "id");
        this.identity = b.identity != null ? b.identity
                : DeviceIdentity.loadOrCreate(id, b.home != null ? b.home : DeviceIdentity.defaultHome(id));
        this.discovery = b.discovery;
        this.lanPoll = b.lanPoll;
        this.listenPort = b.listenPort;
        this.lan = NetworkMonitor.lanAddresses(listenPort);
        SignallingClient.Builder sb = SignallingClient.builder().server(Objects.requireNonNull(b.server, "server"))
                .identity(identity).aliases(b.aliases).enrollToken(b.enrollToken).network(network(null))
                .backoff(b.minBackoff, b.maxBackoff);
        if (b.sslContext != null) {
            sb.sslContext(b.sslContext);
        }
        this.signalling = sb.build();
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerlink-peer-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects to the server; the future completes once registered. */
    public CompletableFuture<Peer> start() {
        signalling.onRegistered(r -> {
            if (discovery && lastNat == null && !r.stun().isEmpty()) {
                background.execute(this::discoverAndUpdate);
            }
        });
        if (discovery) {
            long every = lanPoll.toMillis();
            background.scheduleWithFixedDelay(this::checkLan, every, every, TimeUnit.MILLISECONDS);
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
        return network(lastNat);
    }

    /** Handles incoming connect requests. */
    public void onIncoming(Consumer<IncomingRequest> handler) {
        signalling.onIncoming(handler);
    }

    /**
     * Brokers a session with {@code target}, offering this device's network information and
     * {@code paths}: completes with the target's key and answer. The ladder builds on this.
     */
    public CompletableFuture<Brokered> broker(Identity target, List<String> paths) {
        return signalling.connect(target, new Offer(network(), null, paths).toBlob());
    }

    private NetworkInfo network(NatReport nat) {
        return new NetworkInfo(lan, nat == null ? null : nat.publicAddress().orElse(null),
                nat == null ? null : NetworkMonitor.nat(nat),
                listenPort > 0 ? new NetworkInfo.Listen(listenPort, listenPort) : null, List.of());
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
                lastNat = NetworkMonitor.discover(Endpoints.parse(r.stun().get(0)));
            } catch (IOException e) {
                LOG.warn("{}: NAT discovery failed: {}", id(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        signalling.update(network());
    }

    @Override
    public void close() {
        background.shutdownNow();
        signalling.close();
    }

    public static final class Builder {
        private DeviceId id;
        private URI server;
        private Path home;
        private DeviceIdentity identity;
        private Aliases aliases = Aliases.NONE;
        private String enrollToken;
        private SSLContext sslContext;
        private boolean discovery = true;
        private Duration lanPoll = Duration.ofSeconds(10);
        private int listenPort;
        private Duration minBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);

        public Builder id(String id) { this.id = DeviceId.of(id); return this; }
        /** {@code ws://host:port/v1/signal}, {@code wss://...}, or {@code host:port} (plain ws). */
        public Builder server(String server) {
            this.server = URI.create(server.contains("://") ? server : "ws://" + server + "/v1/signal");
            return this;
        }
        public Builder server(URI server) { this.server = server; return this; }
        /** Where the device key lives (default {@code ~/.peerlink/<id>}). */
        public Builder home(Path home) { this.home = home; return this; }
        /** Use this identity instead of one under {@code home}. */
        public Builder identity(DeviceIdentity identity) { this.identity = identity; this.id = identity.deviceId(); return this; }
        public Builder aliases(Aliases aliases) { this.aliases = aliases; return this; }
        public Builder enrollToken(String token) { this.enrollToken = token; return this; }
        public Builder sslContext(SSLContext ctx) { this.sslContext = ctx; return this; }
        /** NAT discovery against the server's STUN and LAN polling (default on). */
        public Builder discovery(boolean on) { this.discovery = on; return this; }
        public Builder lanPoll(Duration every) { this.lanPoll = every; return this; }
        /** The port this device accepts connections on (announced with its LAN addresses). */
        public Builder listenPort(int port) { this.listenPort = port; return this; }
        public Builder backoff(Duration min, Duration max) { this.minBackoff = min; this.maxBackoff = max; return this; }

        public Peer build() throws IOException {
            return new Peer(this);
        }
    }
}
