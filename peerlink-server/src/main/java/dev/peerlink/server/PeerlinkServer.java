package dev.peerlink.server;

import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.protocol.TurnUri;
import dev.peerlink.server.admin.AdminConfig;
import dev.peerlink.server.admin.AdminServer;
import dev.peerlink.server.admin.AdminToken;
import dev.peerlink.server.admin.internal.MediaMeters;
import dev.peerlink.server.admin.internal.SecretFiles;
import dev.peerlink.server.admin.internal.ServerData;
import dev.peerlink.server.cluster.ClusterSeams;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rendezvous server process: owns every service it runs and closes them together. Every service registers its
 * meters in one Prometheus registry ({@link #meters()}), which the admin listener serves when configured.
 */
public final class PeerlinkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerlinkServer.class);
    /** The generated relay secret, kept in the data directory so credentials survive a restart. */
    public static final String RELAY_SECRET_FILE = "relay.secret";

    private final StunServer stun;
    private final TurnServer relay;
    private final String relaySecret;
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gcMetrics;
    private final long startedAt = System.currentTimeMillis();
    private volatile SignalServer signal;
    private volatile AdminServer admin;

    private PeerlinkServer(StunServer stun, TurnServer relay, String relaySecret, PrometheusMeterRegistry meters,
                           JvmGcMetrics gcMetrics) {
        this.stun = stun;
        this.relay = relay;
        this.relaySecret = relaySecret;
        this.meters = meters;
        this.gcMetrics = gcMetrics;
    }

    public static PeerlinkServer start(PeerlinkServerConfig config) throws IOException, InterruptedException {
        return start(config, ClusterSeams.local());
    }

    /** As {@link #start(PeerlinkServerConfig)}; {@code seams} make its signalling one instance of a cluster. */
    public static PeerlinkServer start(PeerlinkServerConfig config, ClusterSeams seams) throws IOException, InterruptedException {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics gc = bindJvm(meters);
        PeerlinkServer server;
        try {
            server = startMedia(config, meters, gc);
        } catch (IOException | RuntimeException e) {
            gc.close();
            meters.close();
            throw e;
        }
        try {
            if (config.signal().isPresent()) {
                server.startSignal(config.signal().get().withMeters(meters), config.advertise(), seams);
            }
            if (config.admin().isPresent()) {
                server.startAdmin(config.admin().get(), config.secretsDir());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static JvmGcMetrics bindJvm(PrometheusMeterRegistry r) {
        new ClassLoaderMetrics().bindTo(r);
        new JvmMemoryMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(r);
        return gc;
    }

    /** A busy admin port is not worth failing the server for: it runs on without the listener, and says so. */
    private void startAdmin(AdminConfig ac, Optional<Path> secretsDir) throws IOException, InterruptedException {
        String token = ac.requiresToken() ? AdminToken.resolve(ac.token(), System.getenv(AdminToken.ENV), secretsDir) : null;
        try {
            admin = AdminServer.start(ac, token, meters, new ServerData(this::signal), startedAt, System::currentTimeMillis);
        } catch (IOException e) {
            LOG.warn("admin listener not started, running without metrics and dashboard: {}", e.getMessage());
        }
    }

    private void startSignal(SignalServerConfig sc, Optional<InetAddress> advertise, ClusterSeams seams) throws IOException, InterruptedException {
        List<String> stunUrls = stun.udpAddresses().stream().limit(1).map(a -> Endpoints.format(advertised(a, advertise))).toList();
        List<String> relayUrls = relay == null ? List.of() : List.of(Endpoints.format(advertised(relay.udpAddress(), advertise)));
        List<String> streamUrls = new ArrayList<>();
        if (relay != null && relay.tlsAddress() != null) {
            streamUrls.add(new TurnUri(true, true, advertised(relay.tlsAddress(), advertise)).toString());
        }
        if (relay != null && relay.tcpAddress() != null) {
            streamUrls.add(new TurnUri(false, true, advertised(relay.tcpAddress(), advertise)).toString());
        }
        Duration ttl = sc.relayCredentialTtl();
        signal = SignalServer.start(sc, stunUrls, id -> relayCredentials(id.value(), ttl)
                .map(c -> new RelayGrant(relayUrls, c.username(), c.password(), ttl.toSeconds(), streamUrls)), seams);
    }

    private static InetSocketAddress advertised(InetSocketAddress bound, Optional<InetAddress> advertise) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound;
        }
        return new InetSocketAddress(advertise.orElseGet(() -> defaultRelayIp(bound.getAddress())), bound.getPort());
    }

    /** The signalling service, if configured. */
    public Optional<SignalServer> signal() {
        return Optional.ofNullable(signal);
    }

    /** The admin listener's address, when it runs. */
    public Optional<InetSocketAddress> admin() {
        return Optional.ofNullable(admin).map(AdminServer::address);
    }

    /** The registry every service registers its meters in ({@code /metrics} of the admin listener). */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    private static PeerlinkServer startMedia(PeerlinkServerConfig config, PrometheusMeterRegistry meters, JvmGcMetrics gc)
            throws IOException, InterruptedException {
        StunServerConfig.Builder b = StunServerConfig.builder().primary(config.stunPrimary()).software("peerlink")
                .classic(config.classicStun());
        config.stunAlternate().ifPresent(b::alternate);
        config.stunListen6().ifPresent(b::listen6);
        StunServer stun = StunServer.start(b.build());
        MediaMeters.bindStun(meters, stun);
        if (config.relay().isEmpty()) {
            return new PeerlinkServer(stun, null, null, meters, gc);
        }
        try {
            PeerlinkServerConfig.Relay r = config.relay().get();
            String secret = r.secret().isPresent() ? r.secret().get() : generatedSecret(config.secretsDir());
            InetAddress relayIp = r.relayIp().orElseGet(() -> defaultRelayIp(r.listen().getAddress()));
            TurnServerConfig.Builder t = TurnServerConfig.builder().listen(r.listen()).relayIp(relayIp).realm(r.realm())
                    .secret(secret).classicStun(config.classicStun());
            r.allowPeers().forEach(t::allowPeer);
            r.v6().relayIp6().ifPresent(t::relayIp6);
            r.v6().listen6().ifPresent(t::listen6);
            r.alternate().ifPresent(a -> t.alternateServer(a.server(), a.threshold()));
            PeerlinkServerConfig.TurnStreams streams = r.streams();
            if (streams.tcpPort() >= 0) {
                t.tcpPort(streams.tcpPort());
            }
            if (streams.tlsPort() >= 0) {
                t.tlsPort(streams.tlsPort());
            }
            if (streams.dtlsPort() >= 0) {
                t.dtlsPort(streams.dtlsPort());
            }
            if (streams.tlsCertificate().isPresent() && streams.tlsKey().isPresent()) {
                t.tlsCertificate(streams.tlsCertificate().get(), streams.tlsKey().get());
            }
            TurnServer turn = TurnServer.start(t.build());
            MediaMeters.bindTurn(meters, turn);
            return new PeerlinkServer(stun, turn, secret, meters, gc);
        } catch (IOException | RuntimeException e) {
            stun.close();
            throw e;
        }
    }

    /** The relay secret when none is given: kept in the data directory; only its fingerprint is ever logged. */
    private static String generatedSecret(Optional<Path> dir) throws IOException {
        if (dir.isEmpty()) {
            String s = SecretFiles.random(24);
            LOG.info("TURN relay: no secret given and no data directory, generated one for this run (fingerprint {})",
                    SecretFiles.fingerprint(s));
            return s;
        }
        Path file = dir.get().resolve(RELAY_SECRET_FILE);
        String s = SecretFiles.loadOrCreate(file, 24);
        LOG.info("TURN relay: secret in {} (owner-only; fingerprint {})", file, SecretFiles.fingerprint(s));
        return s;
    }

    /** The listen IP, or for a wildcard the host's first non-loopback IPv4 address (loopback if none). */
    static InetAddress defaultRelayIp(InetAddress listen) {
        if (!listen.isAnyLocalAddress()) {
            return listen;
        }
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                Optional<InetAddress> v4 = nif.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst();
                if (v4.isPresent()) {
                    return v4.get();
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list interfaces, relaying from loopback: {}", e.toString());
        }
        return InetAddress.getLoopbackAddress();
    }

    public StunServer stun() {
        return stun;
    }

    /** The TURN relay, if configured. */
    public Optional<TurnServer> relay() {
        return Optional.ofNullable(relay);
    }

    /** Time-limited relay credentials for a client (the rendezvous hands these out). */
    public Optional<TurnCredentials> relayCredentials(String user, Duration ttl) {
        return relay == null ? Optional.empty() : Optional.of(TurnCredentials.mint(relaySecret, user, ttl));
    }

    public String describe() {
        String s = "peerlink server: STUN on UDP " + stun.udpAddresses() + " TCP " + stun.tcpAddresses()
                + " (" + stun.transportName() + ")";
        if (relay != null) {
            s += "; TURN relay on UDP " + relay.udpAddress() + " TCP " + relay.tcpAddress();
        }
        if (signal != null) {
            s += "; signalling on " + signal.url().replace("127.0.0.1", signal.address().getAddress().getHostAddress());
        }
        if (admin != null) {
            s += "; admin (metrics, dashboard) on " + admin.url() + (admin.requiresToken() ? " (token required)" : "");
        }
        return s;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (signal != null) {
            signal.close();
        }
        if (relay != null) {
            relay.close();
        }
        stun.close();
        gcMetrics.close();
        meters.close();
    }
}
