package dev.peerlink.server;

import dev.peerlink.protocol.Endpoints;
import dev.peerlink.protocol.RelayGrant;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.server.signal.SignalServerConfig;
import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import dev.peerlink.turn.TurnCredentials;
import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rendezvous server process: owns every service it runs and closes them together. */
public final class PeerlinkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerlinkServer.class);

    private final StunServer stun;
    private final TurnServer relay;
    private final String relaySecret;
    private volatile SignalServer signal;

    private PeerlinkServer(StunServer stun, TurnServer relay, String relaySecret) {
        this.stun = stun;
        this.relay = relay;
        this.relaySecret = relaySecret;
    }

    public static PeerlinkServer start(PeerlinkServerConfig config) throws IOException, InterruptedException {
        PeerlinkServer server = startMedia(config);
        if (config.signal().isPresent()) {
            try {
                server.startSignal(config.signal().get(), config.advertise());
            } catch (IOException | InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
        }
        return server;
    }

    private void startSignal(SignalServerConfig sc, Optional<InetAddress> advertise) throws IOException, InterruptedException {
        List<String> stunUrls = stun.udpAddresses().stream().limit(1).map(a -> Endpoints.format(advertised(a, advertise))).toList();
        List<String> relayUrls = relay == null ? List.of() : List.of(Endpoints.format(advertised(relay.udpAddress(), advertise)));
        Duration ttl = sc.relayCredentialTtl();
        signal = SignalServer.start(sc, stunUrls, id -> relayCredentials(id.value(), ttl)
                .map(c -> new RelayGrant(relayUrls, c.username(), c.password(), ttl.toSeconds())));
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

    private static PeerlinkServer startMedia(PeerlinkServerConfig config) throws IOException, InterruptedException {
        StunServerConfig.Builder b = StunServerConfig.builder().primary(config.stunPrimary()).software("peerlink");
        config.stunAlternate().ifPresent(b::alternate);
        StunServer stun = StunServer.start(b.build());
        if (config.relay().isEmpty()) {
            return new PeerlinkServer(stun, null, null);
        }
        try {
            PeerlinkServerConfig.Relay r = config.relay().get();
            String secret = r.secret().orElseGet(() -> {
                byte[] random = new byte[24];
                new SecureRandom().nextBytes(random);
                String s = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                LOG.info("TURN relay: no secret given, generated {} (REST credentials: TurnCredentials.mint)", s);
                return s;
            });
            InetAddress relayIp = r.relayIp().orElseGet(() -> defaultRelayIp(r.listen().getAddress()));
            TurnServerConfig.Builder t = TurnServerConfig.builder().listen(r.listen()).relayIp(relayIp).realm(r.realm())
                    .secret(secret);
            r.allowPeers().forEach(t::allowPeer);
            return new PeerlinkServer(stun, TurnServer.start(t.build()), secret);
        } catch (IOException | RuntimeException e) {
            stun.close();
            throw e;
        }
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
        return s;
    }

    @Override
    public void close() {
        if (signal != null) {
            signal.close();
        }
        if (relay != null) {
            relay.close();
        }
        stun.close();
    }
}
