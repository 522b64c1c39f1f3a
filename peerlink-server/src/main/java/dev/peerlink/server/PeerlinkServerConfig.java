package dev.peerlink.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import dev.peerlink.server.signal.SignalServerConfig;
import java.util.Optional;

/**
 * What the embedded server runs: STUN, optionally the TURN relay, optionally signalling.
 * {@code advertise}: the IP the server tells devices for its STUN and relay when they listen on a
 * wildcard (empty: the host's first non-loopback IPv4 address).
 */
public record PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate,
                                   Optional<Relay> relay, Optional<SignalServerConfig> signal,
                                   Optional<InetAddress> advertise) {
    public PeerlinkServerConfig(InetSocketAddress stunPrimary, Optional<InetSocketAddress> stunAlternate, Optional<Relay> relay) {
        this(stunPrimary, stunAlternate, relay, Optional.empty(), Optional.empty());
    }

    public static final int DEFAULT_RELAY_PORT = 3480; // 3478/3479 are STUN and its RFC 5780 alternate port

    /**
     * The TURN relay next to STUN. {@code relayIp} empty: the listen IP, or the host's first
     * non-loopback IPv4 address when listening on a wildcard. {@code secret} empty: a random one
     * (logged at INFO) so the server can hand out time-limited credentials.
     */
    public record Relay(InetSocketAddress listen, Optional<InetAddress> relayIp, String realm, Optional<String> secret,
                        List<String> allowPeers) {
        public Relay {
            allowPeers = List.copyOf(allowPeers);
        }

        public static Relay defaults() {
            return new Relay(new InetSocketAddress(DEFAULT_RELAY_PORT), Optional.empty(), "peerlink", Optional.empty(), List.of());
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
}
