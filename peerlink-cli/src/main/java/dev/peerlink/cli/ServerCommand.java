package dev.peerlink.cli;

import dev.peerlink.cluster.ClusterNode;
import dev.peerlink.server.PeerlinkServer;
import dev.peerlink.server.PeerlinkServerConfig;
import dev.peerlink.server.admin.AdminConfig;
import dev.peerlink.server.admin.AdminServer;
import dev.peerlink.server.monitor.MonitorConfig;
import dev.peerlink.server.signal.SignalServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import dev.peerlink.server.transfer.TransferConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the peerlink server on an embedded default configuration:",
                "signalling (WebSocket, /v1/signal; registry in SQLite), STUN (UDP and TCP) and a TURN relay",
                "(UDP and TCP, time-limited credentials handed to registered devices), and deduplicated transfer",
                "(/v1/transfer on the signalling port; central tier unless --tier private --central URL)."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:7000",
            description = "Signalling (WebSocket) listen address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress listen;

    @Option(names = "--no-signal", description = "Run without signalling (STUN and relay only).")
    boolean noSignal;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory: registry (SQLite peerlink.db), relay.secret, admin.token (default: $PEERLINK_DATA, else ~/.peerlink/server).")
    Path data;

    @Option(names = "--no-transfer", description = "Run without the deduplicated-transfer endpoint (/v1/transfer).")
    boolean noTransfer;

    @Option(names = "--tier", paramLabel = "central|private", defaultValue = "central",
            description = "Transfer tier (default: ${DEFAULT-VALUE}); private needs --central and --tier-secret.")
    String tier;

    @Option(names = "--central", paramLabel = "URL", description = "A private tier's central server (HOST:PORT or ws:// URL).")
    String central;

    @Option(names = "--tier-secret", paramLabel = "S",
            description = "Secret shared by a central server and its private tiers (default: $PEERLINK_TIER_SECRET).")
    String tierSecret;

    @Option(names = "--tier-id", paramLabel = "NAME", description = "How a private tier names itself to its central (default: its server id).")
    String tierId;

    @Option(names = "--transfer-db", paramLabel = "JDBC",
            description = "PostgreSQL for transfer metadata (jdbc:postgresql://...) instead of SQLite in <data>/transfer.")
    String transferDb;

    @Option(names = "--blob-store", paramLabel = "URI",
            description = "S3-compatible blob store (s3://BUCKET[/PREFIX]?endpoint=URL&region=R) instead of <data>/transfer/blobs.")
    String blobStore;

    @Option(names = "--max-content", paramLabel = "BYTES", defaultValue = "4294967296",
            description = "Largest content a device may send (default: ${DEFAULT-VALUE}).")
    long maxContent;

    @Option(names = "--daily-quota", paramLabel = "BYTES", defaultValue = "53687091200",
            description = "Bytes a device may upload per UTC day (default: ${DEFAULT-VALUE}).")
    long dailyQuota;

    @Option(names = "--enroll-token", paramLabel = "T",
            description = "Closed deployment: a device's first registration must carry this token.")
    String enrollToken;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve wss (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key for --tls-cert.")
    Path tlsKey;

    @Option(names = "--advertise", paramLabel = "IP",
            description = "IP told to devices for STUN and the relay when they listen on a wildcard (default: first non-loopback IPv4).")
    InetAddress advertise;

    @Option(names = "--cluster", paramLabel = "redis://HOST:PORT",
            description = "Cluster mode: one instance of several sharing this Redis (presence, brokering between instances); needs --registry.")
    String cluster;

    @Option(names = "--registry", paramLabel = "JDBC",
            description = "Cluster mode: the shared device registry, jdbc:postgresql://HOST[:PORT]/DB (user/password in the URL or below).")
    String registry;

    @Option(names = "--registry-user", paramLabel = "USER", description = "PostgreSQL user of --registry.")
    String registryUser;

    @Option(names = "--registry-password", paramLabel = "PW",
            description = "PostgreSQL password of --registry (default: $PEERLINK_REGISTRY_PASSWORD).")
    String registryPassword;

    @Option(names = "--instance-id", paramLabel = "NAME", description = "Cluster mode: this instance's name, 1-32 characters of [A-Za-z0-9_-] (default: generated).")
    String instanceId;

    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "60",
            description = "Heartbeat interval devices are told; 3 missed intervals close a connection (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--monitor-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Mapping monitor: seconds between probe rounds of one reported port mapping; the probe timeout is"
                    + " 3 s or a tenth of the interval, whichever is shorter (default: ${DEFAULT-VALUE}).")
    int monitorIntervalSeconds;

    @Option(names = "--no-monitor", description = "Do not probe the port mappings devices report.")
    boolean noMonitor;

    @Option(names = "--admin", paramLabel = "IP:PORT|off", defaultValue = "127.0.0.1:7070",
            description = {"Admin listener: Prometheus /metrics, /api/summary, the dashboard at / (default: ${DEFAULT-VALUE};",
                    "off: none). On a non-loopback address every request needs the admin token. A busy port is logged and",
                    "the server runs on without it."})
    String admin;

    @Option(names = "--admin-token", paramLabel = "T",
            description = "Admin token (16+ characters A-Z a-z 0-9 . _ ~ + / = -) (default: $PEERLINK_ADMIN_TOKEN, else generated"
                    + " once into <data>/admin.token).")
    String adminToken;

    /** The admin listener of {@code --admin}, empty for {@code off}. */
    Optional<AdminConfig> adminConfig() {
        if (admin == null || admin.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        InetSocketAddress a;
        try {
            a = new SocketAddressConverter(AdminConfig.DEFAULT_PORT).convert(admin);
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--admin: " + e.getMessage());
        }
        if (adminToken != null && !AdminServer.TOKEN.matcher(adminToken).matches()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--admin-token must be 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -");
        }
        return Optional.of(new AdminConfig(a, Optional.ofNullable(adminToken), AdminConfig.TokenRule.UNLESS_LOOPBACK));
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static Path defaultDataDir() {
        String env = System.getenv("PEERLINK_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".peerlink", "server");
    }

    @Option(names = "--stun", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:3478",
            description = "STUN primary address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress stun;

    @Option(names = "--stun-listen6", paramLabel = "IP",
            description = "Also answer STUN on this IPv6 address (e.g. ::), on the STUN port: IPv6 reflexive addresses.")
    InetAddress stunListen6;

    @Option(names = "--stun-alternate", paramLabel = "IP:PORT",
            description = "STUN alternate address (a second IP) to enable RFC 5780 behaviour discovery.")
    InetSocketAddress stunAlternate;

    @Option(names = "--no-classic-stun",
            description = "Do not answer RFC 3489 Binding requests (no magic cookie) on STUN and the relay.")
    boolean noClassicStun;

    @Option(names = "--relay", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:3480",
            description = "TURN relay listen address (default: ${DEFAULT-VALUE}).")
    InetSocketAddress relay;

    @Option(names = "--no-relay", description = "Run STUN only.")
    boolean noRelay;

    @Option(names = "--relay-ip", paramLabel = "IP",
            description = "Address relayed sockets bind to (default: the relay listen IP, or the first non-loopback IPv4).")
    InetAddress relayIp;

    @Option(names = "--relay-ip6", paramLabel = "IP",
            description = "IPv6 address relayed sockets also bind to: dual-stack allocations (RFC 8656 §7.2). Default: none.")
    InetAddress relayIp6;

    @Option(names = "--relay-listen6", paramLabel = "IP",
            description = "Also serve the relay to IPv6 clients on this IPv6 address (e.g. ::), on the relay's ports.")
    InetAddress relayListen6;

    @Option(names = "--realm", defaultValue = "peerlink", description = "TURN realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = "--secret", paramLabel = "S",
            description = "Shared secret for time-limited relay credentials (default: generated once and kept in <data>/relay.secret;"
                    + " only its fingerprint is logged).")
    String secret;

    @Option(names = "--allow-peer", paramLabel = "CIDR", description = "Open a refused peer range (repeatable).")
    List<String> allowPeers = List.of();

    @Option(names = "--turn-tcp-port", paramLabel = "PORT", description = "Relay TCP port (default: the relay's UDP port).")
    Integer turnTcpPort;

    @Option(names = "--turn-tls-port", paramLabel = "PORT",
            description = "Also serve the relay over TLS (turns:) on this port, e.g. 5349 or 443 (default: none). Certificate:"
                    + " --tls-cert/--tls-key when given, else self-signed.")
    Integer turnTlsPort;

    @Option(names = "--turn-dtls-port", paramLabel = "PORT",
            description = "Also serve the relay over DTLS (turns: over UDP, RFC 7350) on this UDP port, e.g. 5349 (default:"
                    + " none). Same certificate as --turn-tls-port.")
    Integer turnDtlsPort;

    @Option(names = "--alternate-server", paramLabel = "HOST:PORT",
            description = "Shed load to another relay instance with the same --secret: new allocations get 300 Try Alternate"
                    + " naming it once --alternate-threshold are active.")
    InetSocketAddress alternateServer;

    @Option(names = "--alternate-threshold", paramLabel = "N", defaultValue = "0",
            description = "Active allocations from which --alternate-server takes new ones (default: ${DEFAULT-VALUE}: all).")
    int alternateThreshold;

    /** The defaults, with probe timeout and scheduler tick scaled down for intervals shorter than the default. */
    static MonitorConfig monitorConfig(Duration interval) {
        MonitorConfig d = MonitorConfig.defaults();
        Duration timeout = interval.dividedBy(10).compareTo(d.probeTimeout()) < 0 ? interval.dividedBy(10) : d.probeTimeout();
        Duration tick = interval.dividedBy(50).compareTo(d.tick()) < 0 ? interval.dividedBy(50) : d.tick();
        return new MonitorConfig(interval, timeout, d.retries(), d.maxProbesPerSecond(), d.maxMappings(), d.maxMappingsPerIp(),
                d.allowForeignExternal(), tick);
    }

    TransferConfig transferConfig(Path dataDir) {
        TransferConfig.Tier t = switch (tier) {
            case "central" -> TransferConfig.Tier.CENTRAL;
            case "private" -> TransferConfig.Tier.PRIVATE;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tier is central or private");
        };
        String secret = tierSecret != null ? tierSecret : System.getenv("PEERLINK_TIER_SECRET");
        if (t == TransferConfig.Tier.PRIVATE && (central == null || secret == null || secret.isEmpty())) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tier private needs --central URL and --tier-secret");
        }
        TransferConfig.Storage store = new TransferConfig.Storage(Optional.of(dataDir.resolve("transfer")),
                Optional.ofNullable(transferDb), Optional.ofNullable(blobStore));
        return TransferConfig.central(store)
                .withTier(t, Optional.ofNullable(central), Optional.ofNullable(secret).filter(x -> !x.isEmpty()), Optional.ofNullable(tierId))
                .withLimits(maxContent, dailyQuota, 16);
    }

    @Override
    public Integer call() throws Exception {
        if (alternateThreshold < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--alternate-threshold must be at least 0");
        }
        Optional<PeerlinkServerConfig.Relay> r = noRelay ? Optional.empty() : Optional.of(new PeerlinkServerConfig.Relay(
                relay, Optional.ofNullable(relayIp), realm, Optional.ofNullable(secret), allowPeers,
                new PeerlinkServerConfig.TurnStreams(turnTcpPort == null ? -1 : turnTcpPort, turnTlsPort == null ? -1 : turnTlsPort,
                        Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), turnDtlsPort == null ? -1 : turnDtlsPort),
                Optional.ofNullable(alternateServer).map(a -> new PeerlinkServerConfig.Alternate(a, alternateThreshold)),
                new PeerlinkServerConfig.RelayV6(Optional.ofNullable(relayIp6), Optional.ofNullable(relayListen6))));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        if (heartbeatSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--heartbeat must be at least 1 second");
        }
        if (monitorIntervalSeconds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--monitor-interval must be at least 1 second");
        }
        Optional<SignalServerConfig> signal = Optional.empty();
        if (!noSignal) {
            SignalServerConfig.Builder sb = SignalServerConfig.builder().listen(listen)
                    .dataDir(data != null ? data : defaultDataDir()).enrollToken(enrollToken)
                    .heartbeat(Duration.ofSeconds(heartbeatSeconds))
                    .mappingMonitor(noMonitor ? null : monitorConfig(Duration.ofSeconds(monitorIntervalSeconds)));
            if (tlsCert != null) {
                sb.tls(tlsCert, tlsKey);
            }
            if (!noTransfer) {
                sb.transfer(transferConfig(data != null ? data : defaultDataDir()));
            }
            signal = Optional.of(sb.build());
        }
        PeerlinkServerConfig config = new PeerlinkServerConfig(stun, Optional.ofNullable(stunAlternate), r, signal,
                Optional.ofNullable(advertise), adminConfig(), Optional.of(data != null ? data : defaultDataDir()), !noClassicStun,
                Optional.ofNullable(stunListen6));
        if ((cluster == null) != (registry == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--cluster and --registry go together");
        }
        if (cluster == null) {
            try (PeerlinkServer server = PeerlinkServer.start(config)) {
                System.out.println(server.describe());
                System.out.flush();
                Shutdown.awaitSignal();
            }
            return 0;
        }
        if (instanceId != null && !instanceId.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--instance-id must be 1-32 characters of [A-Za-z0-9_-], got '" + instanceId + "'");
        }
        String password = registryPassword != null ? registryPassword : System.getenv("PEERLINK_REGISTRY_PASSWORD");
        Duration window = Duration.ofSeconds(heartbeatSeconds).multipliedBy(SignalServerConfig.defaults().missedHeartbeats());
        try (ClusterNode node = ClusterNode.open(new ClusterNode.Options(cluster, registry, registryUser, password, instanceId,
                window, null));
             PeerlinkServer server = PeerlinkServer.start(config, node.seams())) {
            // url() names 127.0.0.1 for a wildcard listener: --advertise says what other hosts use instead
            server.signal().ifPresent(s -> node.attach(s, advertise == null ? s.url() : s.url().replace("127.0.0.1", advertise.getHostAddress())));
            System.out.println(server.describe() + "; cluster instance " + node.instanceId());
            System.out.flush();
            Shutdown.awaitSignal();
        }
        return 0;
    }

}
