package dev.peerlink.server;

import dev.peerlink.server.admin.AdminConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the embedded server runs: STUN, optionally the TURN relay, optionally signalling.
 * {@code advertise}: the IP the server tells devices for its STUN and relay when they listen on a
 * wildcard (empty: the host's first non-loopback IPv4 address). {@code admin}: the admin listener (metrics, dashboard),
 * none when empty. {@code dataDir}: where generated secrets are kept ({@code relay.secret}, {@code admin.token});
 * empty: the signalling data directory, else nowhere (generated secrets then last as long as the process).
 * {@code classicStun}: whether STUN and the relay answer RFC 3489 Binding requests (default true).
 * {@code stunListen6}: an IPv6 address STUN also answers on, on the primary port (IPv6 reflexive addresses).
 */
public record PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate,
                                   Optional<Relay> relay, Optional<SignalServerConfig> signal,
                                   Optional<InetAddress> advertise, Optional<AdminConfig> admin, Optional<Path> dataDir,
                                   boolean classicStun, Optional<InetAddress> stunListen6) {
    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate, Optional<Relay> relay,
                                Optional<SignalServerConfig> signal, Optional<InetAddress> advertise, Optional<AdminConfig> admin,
                                Optional<Path> dataDir, boolean classicStun) {
        this(stunPrimary, stunAlternate, relay, signal, advertise, admin, dataDir, classicStun, Optional.empty());
    }

    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate, Optional<Relay> relay,
                                Optional<SignalServerConfig> signal, Optional<InetAddress> advertise, Optional<AdminConfig> admin,
                                Optional<Path> dataDir) {
        this(stunPrimary, stunAlternate, relay, signal, advertise, admin, dataDir, true);
    }

    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate, Optional<Relay> relay,
                                Optional<SignalServerConfig> signal, Optional<InetAddress> advertise) {
        this(stunPrimary, stunAlternate, relay, signal, advertise, Optional.empty(), Optional.empty());
    }

    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate, Optional<Relay> relay) {
        this(stunPrimary, stunAlternate, relay, Optional.empty(), Optional.empty());
    }

    public static final int DEFAULT_RELAY_PORT = 3480; // 3478/3479 are STUN and its RFC 5780 alternate port

    /**
     * The TURN relay next to STUN. {@code relayIp} empty: the listen IP, or the host's first
     * non-loopback IPv4 address when listening on a wildcard. {@code secret} empty: a random one, kept in the data
     * directory ({@code relay.secret}, owner-only) so credentials handed to devices survive a restart; only its
     * fingerprint is logged. {@code alternate}: where new allocations are sent when this relay sheds load.
     */
    public record Relay(InetSocketAddress listen, Optional<InetAddress> relayIp, String realm, Optional<String> secret,
                        List<String> allowPeers, TurnStreams streams, Optional<Alternate> alternate, RelayV6 v6) {
        public Relay {
            allowPeers = List.copyOf(allowPeers);
        }

        public Relay(InetSocketAddress listen, Optional<InetAddress> relayIp, String realm, Optional<String> secret,
                     List<String> allowPeers, TurnStreams streams) {
            this(listen, relayIp, realm, secret, allowPeers, streams, Optional.empty(), RelayV6.NONE);
        }

        public Relay(InetSocketAddress listen, Optional<InetAddress> relayIp, String realm, Optional<String> secret,
                     List<String> allowPeers, TurnStreams streams, Optional<Alternate> alternate) {
            this(listen, relayIp, realm, secret, allowPeers, streams, alternate, RelayV6.NONE);
        }

        public Relay(InetSocketAddress listen, Optional<InetAddress> relayIp, String realm, Optional<String> secret,
                     List<String> allowPeers) {
            this(listen, relayIp, realm, secret, allowPeers, TurnStreams.DEFAULT);
        }

        public static Relay defaults() {
            return new Relay(new InetSocketAddress(DEFAULT_RELAY_PORT), Optional.empty(), "peerlink", Optional.empty(), List.of());
        }
    }

    /**
     * The relay's IPv6 side: {@code relayIp6} an IPv6 relay address beside the IPv4 one (dual-stack allocations,
     * RFC 8656 §7.2), {@code listen6} an IPv6 address for listeners on the relay's ports (IPv6 clients).
     */
    public record RelayV6(Optional<InetAddress> relayIp6, Optional<InetAddress> listen6) {
        public static final RelayV6 NONE = new RelayV6(Optional.empty(), Optional.empty());
    }

    /**
     * Load shedding to another relay instance: once {@code threshold} allocations are active (0: always, to drain this
     * one), a new Allocate is answered 300 Try Alternate with ALTERNATE-SERVER {@code server}. That relay must accept
     * the same credentials (the same secret).
     */
    public record Alternate(InetSocketAddress server, int threshold) {
        public Alternate {
            if (threshold < 0) {
                throw new IllegalArgumentException("alternate threshold must be >= 0: " + threshold);
            }
        }
    }

    /**
     * The relay's stream and secure listeners: TCP port (-1: the UDP port), TLS port for {@code turns:} (-1: none),
     * its PEM certificate and key (empty: self-signed, made at start), and the DTLS port for {@code turns:} over UDP
     * (-1: none; same certificate).
     */
    public record TurnStreams(int tcpPort, int tlsPort, Optional<java.nio.file.Path> tlsCertificate,
                              Optional<java.nio.file.Path> tlsKey, int dtlsPort) {
        public static final TurnStreams DEFAULT = new TurnStreams(-1, -1, Optional.empty(), Optional.empty());

        /** Without DTLS. */
        public TurnStreams(int tcpPort, int tlsPort, Optional<java.nio.file.Path> tlsCertificate,
                           Optional<java.nio.file.Path> tlsKey) {
            this(tcpPort, tlsPort, tlsCertificate, tlsKey, -1);
        }
    }

    /** STUN only, as before the relay landed. */
    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate) {
        this(stunPrimary, stunAlternate, Optional.empty());
    }

    public static PeerlinkServerConfig defaults() {
        return new PeerlinkServerConfig(new InetSocketAddress(3478), Optional.empty(), Optional.of(Relay.defaults()),
                Optional.of(SignalServerConfig.defaults()), Optional.empty());
    }

    public PeerlinkServerConfig withAdmin(AdminConfig a) {
        return new PeerlinkServerConfig(stunPrimary, stunAlternate, relay, signal, advertise, Optional.ofNullable(a), dataDir,
                classicStun, stunListen6);
    }

    public PeerlinkServerConfig withDataDir(Path dir) {
        return new PeerlinkServerConfig(stunPrimary, stunAlternate, relay, signal, advertise, admin, Optional.ofNullable(dir),
                classicStun, stunListen6);
    }

    public PeerlinkServerConfig withClassicStun(boolean on) {
        return new PeerlinkServerConfig(stunPrimary, stunAlternate, relay, signal, advertise, admin, dataDir, on, stunListen6);
    }

    public PeerlinkServerConfig withStunListen6(InetAddress ip) {
        return new PeerlinkServerConfig(stunPrimary, stunAlternate, relay, signal, advertise, admin, dataDir, classicStun,
                Optional.ofNullable(ip));
    }

    /** Where generated secrets are kept: {@link #dataDir()}, else the signalling data directory. */
    public Optional<Path> secretsDir() {
        return dataDir.or(() -> signal.flatMap(SignalServerConfig::dataDir));
    }
}
