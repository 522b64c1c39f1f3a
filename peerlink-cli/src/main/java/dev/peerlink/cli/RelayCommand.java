package dev.peerlink.cli;

import dev.peerlink.turn.server.TurnServer;
import dev.peerlink.turn.server.TurnServerConfig;
import dev.peerlink.turn.server.TurnUsers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Runs a TURN relay (RFC 8656) on UDP and TCP (and TLS with --turn-tls-port, DTLS with --turn-dtls-port).",
                "Credentials are required: --users FILE (lines user:password) and/or --secret S",
                "(REST-style time-limited names \"<unix-expiry>:<user>\", password base64(HMAC-SHA1(S, name))).",
                "Peers in loopback, private, CGNAT, link-local, multicast and the server's own addresses",
                "are refused unless opened with --allow-peer."})
final class RelayCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, paramLabel = "IP:PORT", description = "Listen address (port defaults to 3478).")
    InetSocketAddress listen;

    @Option(names = "--relay-ip", paramLabel = "IP",
            description = "Address relayed sockets bind to and advertise (default: the listen IP; required with 0.0.0.0).")
    InetAddress relayIp;

    @Option(names = "--relay-ip6", paramLabel = "IP",
            description = "IPv6 address relayed sockets also bind to, beside an IPv4 --relay-ip: clients pick the family"
                    + " (REQUESTED-ADDRESS-FAMILY) or get both (ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §7.2). Default: none.")
    InetAddress relayIp6;

    @Option(names = "--listen6", paramLabel = "IP",
            description = "Also listen on this IPv6 address (e.g. :: or ::1), on the same ports, for IPv6 clients.")
    InetAddress listen6;

    @Option(names = "--realm", required = true, paramLabel = "R", description = "Authentication realm.")
    String realm;

    @Option(names = "--secret", paramLabel = "S", description = "Shared secret for time-limited credentials.")
    String secret;

    @Option(names = "--users", paramLabel = "FILE", description = "File of user:password lines.")
    Path users;

    @Option(names = "--allow-peer", paramLabel = "CIDR", description = "Open a refused peer range, e.g. 127.0.0.0/8 (repeatable).")
    List<String> allowPeers = List.of();

    @Option(names = "--deny-peer", paramLabel = "CIDR", description = "Refuse one more peer range (repeatable).")
    List<String> denyPeers = List.of();

    @Option(names = "--min-port", defaultValue = "49152", description = "Lowest relayed port (default: ${DEFAULT-VALUE}).")
    int minPort;

    @Option(names = "--max-port", defaultValue = "65535", description = "Highest relayed port (default: ${DEFAULT-VALUE}).")
    int maxPort;

    @Option(names = "--max-allocations", defaultValue = "10000", description = "Allocations in total (default: ${DEFAULT-VALUE}).")
    int maxAllocations;

    @Option(names = "--user-quota", defaultValue = "20", description = "Allocations per user (default: ${DEFAULT-VALUE}).")
    int userQuota;

    @Option(names = "--bandwidth", paramLabel = "BYTES_PER_S", defaultValue = "0",
            description = "Per-allocation limit, both directions; 0 = unlimited (default).")
    long bandwidth;

    @Option(names = "--no-tcp", description = "Serve UDP only.")
    boolean noTcp;

    @Option(names = "--turn-tcp-port", paramLabel = "PORT",
            description = "TCP listener port (default: the UDP port).")
    Integer tcpPort;

    @Option(names = "--turn-tls-port", paramLabel = "PORT",
            description = "Also serve TURN over TLS (turns:) on this port, e.g. 5349 or 443 (default: no TLS listener).")
    Integer tlsPort;

    @Option(names = "--turn-dtls-port", paramLabel = "PORT",
            description = "Also serve TURN over DTLS (turns: over UDP, RFC 7350) on this UDP port, e.g. 5349 (default: none)."
                    + " Same certificate as TLS.")
    Integer dtlsPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (PEM); with --tls-key. Default: self-signed, made at start.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--max-connections-per-ip", defaultValue = "256",
            description = "TCP and TLS connections one client IP may hold (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp;

    @Option(names = "--alternate-server", paramLabel = "IP:PORT",
            description = "Send new allocations there (300 Try Alternate) once --alternate-threshold are active.")
    InetSocketAddress alternateServer;

    @Option(names = "--alternate-threshold", paramLabel = "N", defaultValue = "0",
            description = "Active allocations from which --alternate-server takes new ones (default: ${DEFAULT-VALUE}: all).")
    int alternateThreshold;

    @Option(names = "--no-classic-stun", description = "Do not answer RFC 3489 Binding requests (no magic cookie).")
    boolean noClassicStun;

    @Override
    public Integer call() throws Exception {
        TurnServerConfig.Builder b = TurnServerConfig.builder()
                .listen(listen)
                .realm(realm)
                .portRange(minPort, maxPort)
                .maxAllocations(maxAllocations)
                .maxAllocationsPerUser(userQuota)
                .bandwidth(bandwidth, 0)
                .maxTcpConnectionsPerIp(maxConnectionsPerIp)
                .tcp(!noTcp)
                .classicStun(!noClassicStun);
        if (relayIp != null) {
            b.relayIp(relayIp);
        }
        if (alternateServer != null) {
            b.alternateServer(alternateServer, alternateThreshold);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("relay: --tls-cert and --tls-key go together");
            return 2;
        }
        if (secret != null) {
            b.secret(secret);
        }
        if (users != null) {
            b.users(TurnUsers.read(users));
        }
        TurnServerConfig config;
        try {
            if (tcpPort != null) {
                b.tcpPort(tcpPort);
            }
            if (tlsPort != null) {
                b.tlsPort(tlsPort);
            }
            if (dtlsPort != null) {
                b.dtlsPort(dtlsPort);
            }
            if (tlsCert != null) {
                b.tlsCertificate(tlsCert, tlsKey);
            }
            if (relayIp6 != null) {
                b.relayIp6(relayIp6);
            }
            if (listen6 != null) {
                b.listen6(listen6);
            }
            allowPeers.forEach(b::allowPeer);
            denyPeers.forEach(b::denyPeer);
            config = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("relay: " + e.getMessage());
            return 2;
        }
        try (TurnServer server = TurnServer.start(config)) {
            System.out.println("TURN relay on UDP " + server.udpAddress() + (noTcp ? "" : " TCP " + server.tcpAddress())
                    + (server.tlsAddress() == null ? "" : " TLS " + server.tlsAddress())
                    + (server.dtlsAddress() == null ? "" : " DTLS " + server.dtlsAddress())
                    + (server.udpAddress6() == null ? "" : " UDP " + server.udpAddress6())
                    + (server.tcpAddress6() == null ? "" : " TCP " + server.tcpAddress6())
                    + " relaying from " + String.join(" and ", config.relayIps().stream().map(InetAddress::getHostAddress).toList())
                    + " ports " + minPort + "-" + maxPort
                    + " (" + server.transportName() + ")");
            System.out.flush();
            Shutdown.awaitSignal();
        }
        return 0;
    }
}
