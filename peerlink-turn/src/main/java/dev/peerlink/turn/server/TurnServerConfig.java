package dev.peerlink.turn.server;

import dev.peerlink.turn.TurnCredentials;

import dev.peerlink.stun.server.Transport;
import dev.peerlink.turn.server.internal.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a {@link TurnServer}. Build with {@link #builder()}; {@code realm}, a relay
 * IP (or a specific listen IP) and at least one credential source (users or a secret) are required:
 * the server never runs as an open relay.
 */
public final class TurnServerConfig {
    public static final int DEFAULT_PORT = 3478;

    private final InetSocketAddress listen;
    private final boolean udp;
    private final boolean tcp;
    private final InetAddress relayIp;
    private final InetAddress relayIp6;
    private final InetAddress listen6;
    private final int minPort;
    private final int maxPort;
    private final String realm;
    private final Map<String, String> users;
    private final String secret;
    private final int maxAllocationsPerUser;
    private final int maxAllocations;
    private final long bandwidthBytesPerSecond;
    private final long bandwidthBurstBytes;
    private final List<String> allowedPeers;
    private final List<String> deniedPeers;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;
    private final Duration permissionLifetime;
    private final Duration channelLifetime;
    private final Duration nonceLifetime;
    private final double requestsPerSecond;
    private final int requestBurst;
    private final Transport transport;
    private final int ioThreads;
    private final Duration tcpIdleTimeout;
    private final int maxTcpConnections;
    private final String software;
    private final boolean strictChannelRange;
    private final boolean classicStun;
    private final InetSocketAddress alternateServer;
    private final int alternateThreshold;
    private final int tcpPort;
    private final int tlsPort;
    private final Path tlsCertificate;
    private final Path tlsKey;
    private final int maxTcpConnectionsPerIp;
    private final Duration connectionBindTimeout;
    private final int dtlsPort;
    private final int maxDtlsAssociations;
    private final Duration dtlsHandshakeTimeout;

    private TurnServerConfig(Builder b) {
        listen = b.listen;
        udp = b.udp;
        tcp = b.tcp;
        relayIp = b.relayIp != null ? b.relayIp : b.listen.getAddress();
        relayIp6 = b.relayIp6;
        listen6 = b.listen6;
        minPort = b.minPort;
        maxPort = b.maxPort;
        realm = b.realm;
        users = Map.copyOf(b.users);
        secret = b.secret;
        maxAllocationsPerUser = b.maxAllocationsPerUser;
        maxAllocations = b.maxAllocations;
        bandwidthBytesPerSecond = b.bandwidthBytesPerSecond;
        bandwidthBurstBytes = b.bandwidthBurstBytes > 0 ? b.bandwidthBurstBytes : Math.max(b.bandwidthBytesPerSecond, 65_536);
        allowedPeers = List.copyOf(b.allowedPeers);
        deniedPeers = List.copyOf(b.deniedPeers);
        defaultLifetime = b.defaultLifetime;
        maxLifetime = b.maxLifetime;
        permissionLifetime = b.permissionLifetime;
        channelLifetime = b.channelLifetime;
        nonceLifetime = b.nonceLifetime;
        requestsPerSecond = b.requestsPerSecond;
        requestBurst = b.requestBurst;
        transport = b.transport;
        ioThreads = b.ioThreads;
        tcpIdleTimeout = b.tcpIdleTimeout;
        maxTcpConnections = b.maxTcpConnections;
        software = b.software;
        strictChannelRange = b.strictChannelRange;
        classicStun = b.classicStun;
        alternateServer = b.alternateServer;
        alternateThreshold = b.alternateThreshold;
        tcpPort = b.tcpPort;
        tlsPort = b.tlsPort;
        tlsCertificate = b.tlsCertificate;
        tlsKey = b.tlsKey;
        maxTcpConnectionsPerIp = b.maxTcpConnectionsPerIp;
        connectionBindTimeout = b.connectionBindTimeout;
        dtlsPort = b.dtlsPort;
        maxDtlsAssociations = b.maxDtlsAssociations;
        dtlsHandshakeTimeout = b.dtlsHandshakeTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetSocketAddress listen() { return listen; }
    public boolean udp() { return udp; }
    public boolean tcp() { return tcp; }
    /** The relay IP of the first family (IPv4, or IPv6 on a v6-only relay). */
    public InetAddress relayIp() { return relayIp; }
    /** The IPv6 relay IP beside an IPv4 {@link #relayIp()}: the server is dual-stack (RFC 8656 §7.2). */
    public Optional<InetAddress> relayIp6() { return Optional.ofNullable(relayIp6); }
    /** Every relay IP, one per family, the first family first. */
    public List<InetAddress> relayIps() { return relayIp6 == null ? List.of(relayIp) : List.of(relayIp, relayIp6); }
    /** IPv6 address of a second set of listeners (same ports as the first), for IPv6 clients. */
    public Optional<InetAddress> listen6() { return Optional.ofNullable(listen6); }
    public int minPort() { return minPort; }
    public int maxPort() { return maxPort; }
    public String realm() { return realm; }
    public Map<String, String> users() { return users; }
    public Optional<String> secret() { return Optional.ofNullable(secret); }
    public int maxAllocationsPerUser() { return maxAllocationsPerUser; }
    public int maxAllocations() { return maxAllocations; }
    /** 0 means unlimited. Counts payload bytes both ways through one allocation. */
    public long bandwidthBytesPerSecond() { return bandwidthBytesPerSecond; }
    public long bandwidthBurstBytes() { return bandwidthBurstBytes; }
    public List<String> allowedPeers() { return allowedPeers; }
    public List<String> deniedPeers() { return deniedPeers; }
    public Duration defaultLifetime() { return defaultLifetime; }
    public Duration maxLifetime() { return maxLifetime; }
    public Duration permissionLifetime() { return permissionLifetime; }
    public Duration channelLifetime() { return channelLifetime; }
    public Duration nonceLifetime() { return nonceLifetime; }
    public double requestsPerSecond() { return requestsPerSecond; }
    public int requestBurst() { return requestBurst; }
    public Transport transport() { return transport; }
    public int ioThreads() { return ioThreads; }
    public Duration tcpIdleTimeout() { return tcpIdleTimeout; }
    public int maxTcpConnections() { return maxTcpConnections; }
    /** TCP and TLS connections one client IP may hold at once (further ones are closed on accept). */
    public int maxTcpConnectionsPerIp() { return maxTcpConnectionsPerIp; }
    /** TCP listener port; -1 (default) means the UDP listener's port. */
    public int tcpPort() { return tcpPort; }
    /** TLS listener port (TURN over TLS, {@code turns:}); -1 (default) means no TLS listener, 0 any free port. */
    public int tlsPort() { return tlsPort; }
    /** PEM certificate chain and PKCS#8 key for TLS; empty means a self-signed certificate generated at start. */
    public Optional<Path> tlsCertificate() { return Optional.ofNullable(tlsCertificate); }
    public Optional<Path> tlsKey() { return Optional.ofNullable(tlsKey); }
    /** DTLS listener port (TURN over DTLS, {@code turns:?transport=udp}); -1 (default) none, 0 any free port. */
    public int dtlsPort() { return dtlsPort; }
    /** DTLS associations (handshaking or established) the server holds at once; ClientHellos beyond are dropped. */
    public int maxDtlsAssociations() { return maxDtlsAssociations; }
    /** A DTLS handshake not finished this long after the cookie round is dropped (10 s). */
    public Duration dtlsHandshakeTimeout() { return dtlsHandshakeTimeout; }
    /** RFC 6062: how long a peer connection waits for the client's ConnectionBind before it is closed (30 s). */
    public Duration connectionBindTimeout() { return connectionBindTimeout; }
    public String software() { return software; }
    /** Highest channel number ChannelBind accepts: 0x4FFF (RFC 8656) when strict, else 0x7FFF (RFC 5766). */
    public int maxChannel() { return strictChannelRange ? 0x4FFF : 0x7FFF; }
    /** Whether RFC 3489 Binding requests (no magic cookie) are answered, with MAPPED-ADDRESS. */
    public boolean classicStun() { return classicStun; }
    /** Where Allocates go (300 Try Alternate) once {@link #alternateThreshold()} allocations are active. */
    public Optional<InetSocketAddress> alternateServer() { return Optional.ofNullable(alternateServer); }
    public int alternateThreshold() { return alternateThreshold; }

    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(DEFAULT_PORT);
        private boolean udp = true;
        private boolean tcp = true;
        private InetAddress relayIp;
        private InetAddress relayIp6;
        private InetAddress listen6;
        private int minPort = 49152;
        private int maxPort = 65535;
        private String realm;
        private final Map<String, String> users = new LinkedHashMap<>();
        private String secret;
        private int maxAllocationsPerUser = 20;
        private int maxAllocations = 10_000;
        private long bandwidthBytesPerSecond;
        private long bandwidthBurstBytes;
        private final List<String> allowedPeers = new ArrayList<>();
        private final List<String> deniedPeers = new ArrayList<>();
        private Duration defaultLifetime = Duration.ofSeconds(600);
        private Duration maxLifetime = Duration.ofSeconds(3600);
        private Duration permissionLifetime = Duration.ofSeconds(300);
        private Duration channelLifetime = Duration.ofSeconds(600);
        private Duration nonceLifetime = Duration.ofSeconds(600);
        private double requestsPerSecond = 100;
        private int requestBurst = 200;
        private Transport transport = Transport.AUTO;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration tcpIdleTimeout = Duration.ofSeconds(120);
        private int maxTcpConnections = 10_000;
        private String software = "peerlink";
        private boolean strictChannelRange;
        private boolean classicStun = true;
        private InetSocketAddress alternateServer;
        private int alternateThreshold;
        private int tcpPort = -1;
        private int tlsPort = -1;
        private Path tlsCertificate;
        private Path tlsKey;
        private int maxTcpConnectionsPerIp = 256;
        private Duration connectionBindTimeout = Duration.ofSeconds(30);
        private int dtlsPort = -1;
        private int maxDtlsAssociations = 10_000;
        private Duration dtlsHandshakeTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /** Address of the UDP and TCP listeners (port 0 picks free ports). Default 0.0.0.0:3478. */
        public Builder listen(InetSocketAddress address) {
            this.listen = Objects.requireNonNull(address);
            return this;
        }

        public Builder udp(boolean enabled) { this.udp = enabled; return this; }
        public Builder tcp(boolean enabled) { this.tcp = enabled; return this; }

        /** IP the relayed sockets bind to and advertise. Defaults to the listen IP if that is not a wildcard. */
        public Builder relayIp(InetAddress ip) {
            this.relayIp = Objects.requireNonNull(ip);
            return this;
        }

        /**
         * A second relay IP, IPv6, beside an IPv4 {@link #relayIp}: clients then choose the family with
         * REQUESTED-ADDRESS-FAMILY or get both with ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §7.2).
         */
        public Builder relayIp6(InetAddress ip) {
            if (!(Objects.requireNonNull(ip) instanceof Inet6Address) || ip.isAnyLocalAddress()) {
                throw new IllegalArgumentException("relayIp6 must be a specific IPv6 address: " + ip.getHostAddress());
            }
            this.relayIp6 = ip;
            return this;
        }

        /**
         * Also listens on this IPv6 address (e.g. :: or ::1), on the ports of the first listeners, for
         * clients that reach the server over IPv6. With epoll a wildcard is IPv6-only (IPV6_V6ONLY), so it
         * can sit beside 0.0.0.0.
         */
        public Builder listen6(InetAddress ip) {
            if (!(Objects.requireNonNull(ip) instanceof Inet6Address)) {
                throw new IllegalArgumentException("listen6 must be an IPv6 address: " + ip.getHostAddress());
            }
            this.listen6 = ip;
            return this;
        }

        /** Inclusive range of relayed ports. Default 49152–65535. */
        public Builder portRange(int min, int max) {
            if (min < 1 || max > 65535 || min > max) {
                throw new IllegalArgumentException("bad port range " + min + "-" + max);
            }
            this.minPort = min;
            this.maxPort = max;
            return this;
        }

        public Builder realm(String realm) { this.realm = Objects.requireNonNull(realm); return this; }

        public Builder user(String name, String password) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty user name");
            }
            users.put(name, Objects.requireNonNull(password));
            return this;
        }

        public Builder users(Map<String, String> all) {
            all.forEach(this::user);
            return this;
        }

        /** Shared secret for REST-style time-limited credentials ({@link TurnCredentials}). */
        public Builder secret(String secret) {
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("empty secret");
            }
            this.secret = secret;
            return this;
        }

        /** Allocations one user may hold at once (486 beyond). Default 20. */
        public Builder maxAllocationsPerUser(int n) { this.maxAllocationsPerUser = positive(n); return this; }

        /** Allocations the server holds at once (508 beyond). Default 10000. */
        public Builder maxAllocations(int n) { this.maxAllocations = positive(n); return this; }

        /** Token bucket per allocation, payload bytes both ways; excess is dropped. 0 (default) = unlimited. */
        public Builder bandwidth(long bytesPerSecond, long burstBytes) {
            if (bytesPerSecond < 0 || burstBytes < 0) {
                throw new IllegalArgumentException("negative bandwidth");
            }
            this.bandwidthBytesPerSecond = bytesPerSecond;
            this.bandwidthBurstBytes = burstBytes;
            return this;
        }

        /** Opens a range that is refused by default (loopback, private, ...), e.g. "127.0.0.0/8". */
        public Builder allowPeer(String cidr) {
            Cidr.parse(cidr);
            allowedPeers.add(cidr);
            return this;
        }

        /** Forgets every {@link #allowPeer} given so far: back to the default refusals. */
        public Builder allowedPeersCleared() {
            allowedPeers.clear();
            return this;
        }

        /** Refuses one more range (403), unless it is also allowed. */
        public Builder denyPeer(String cidr) {
            Cidr.parse(cidr);
            deniedPeers.add(cidr);
            return this;
        }

        /** Allocation lifetime when the client asks for none or less (RFC 8656: 600 s) and the cap (3600 s). */
        public Builder allocationLifetimes(Duration defaultLifetime, Duration maxLifetime) {
            if (defaultLifetime.isNegative() || defaultLifetime.isZero() || maxLifetime.compareTo(defaultLifetime) < 0) {
                throw new IllegalArgumentException("need 0 < default <= max");
            }
            this.defaultLifetime = defaultLifetime;
            this.maxLifetime = maxLifetime;
            return this;
        }

        /** RFC 8656: 300 s. Shorter values are for tests. */
        public Builder permissionLifetime(Duration d) { this.permissionLifetime = positive(d); return this; }

        /** RFC 8656: 600 s. */
        public Builder channelLifetime(Duration d) { this.channelLifetime = positive(d); return this; }

        /** How long a nonce is accepted before 438 Stale Nonce. Default 600 s. */
        public Builder nonceLifetime(Duration d) { this.nonceLifetime = positive(d); return this; }

        /** STUN requests per second (and burst) from one source IP; excess is dropped. */
        public Builder requestRate(double perSecond, int burst) {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("rate and burst must be positive");
            }
            this.requestsPerSecond = perSecond;
            this.requestBurst = burst;
            return this;
        }

        public Builder transport(Transport t) { this.transport = Objects.requireNonNull(t); return this; }
        public Builder ioThreads(int n) { this.ioThreads = positive(n); return this; }
        /** A TCP connection without an allocation is closed after this long without traffic. */
        public Builder tcpIdleTimeout(Duration d) { this.tcpIdleTimeout = positive(d); return this; }
        public Builder maxTcpConnections(int n) { this.maxTcpConnections = positive(n); return this; }
        /**
         * Connections (TCP and TLS together, control and RFC 6062 data connections) one client IP may hold.
         * Default 256: room for an office behind one NAT, while one address cannot take every slot.
         */
        public Builder maxTcpConnectionsPerIp(int n) { this.maxTcpConnectionsPerIp = positive(n); return this; }

        /** TCP on another port than UDP (on the listen IP); 0 picks a free one. Default: the UDP port. */
        public Builder tcpPort(int port) { this.tcpPort = port(port); return this; }

        /**
         * Also serves TURN over TLS (RFC 8656 §3.1, {@code turns:}) on this port of the listen IP, e.g. 5349
         * or 443; 0 picks a free one. The relayed addresses stay UDP (or TCP with RFC 6062).
         */
        public Builder tlsPort(int port) { this.tlsPort = port(port); return this; }

        /**
         * Also serves TURN over DTLS 1.2 (RFC 7350) on this UDP port of the listen IP (coturn uses its TLS port, 5349);
         * 0 picks a free one. Same certificate as TLS; an association without an allocation idles out after
         * {@link #tcpIdleTimeout}.
         */
        public Builder dtlsPort(int port) { this.dtlsPort = port(port); return this; }

        /** DTLS associations held at once (default 10000) and how long a handshake may take (default 10 s). */
        public Builder dtlsLimits(int maxAssociations, Duration handshakeTimeout) {
            this.maxDtlsAssociations = positive(maxAssociations);
            this.dtlsHandshakeTimeout = positive(handshakeTimeout);
            return this;
        }

        /** RFC 6062 §5.2/§5.4: 30 s. Shorter values are for tests. */
        public Builder connectionBindTimeout(Duration d) { this.connectionBindTimeout = positive(d); return this; }

        /** PEM certificate chain and private key (PKCS#8) for the TLS listener; without them a self-signed one is made. */
        public Builder tlsCertificate(Path certificateChain, Path privateKey) {
            this.tlsCertificate = Objects.requireNonNull(certificateChain);
            this.tlsKey = Objects.requireNonNull(privateKey);
            return this;
        }
        public Builder software(String s) { this.software = Objects.requireNonNull(s); return this; }

        /**
         * Only RFC 8656's channels 0x4000–0x4FFF. Off by default: RFC 5766 allowed up to 0x7FFF and
         * coturn's clients still draw from that range; both demultiplex the same (top bits 01).
         */
        public Builder strictChannelRange(boolean strict) { this.strictChannelRange = strict; return this; }

        /** Answer RFC 3489 Binding requests (RFC 8489 §12) with MAPPED-ADDRESS; on by default. */
        public Builder classicStun(boolean on) { this.classicStun = on; return this; }

        /**
         * Sheds load (RFC 8656 §7.2, RFC 8489 §10): once {@code threshold} allocations are active, a new
         * authenticated Allocate gets 300 Try Alternate with ALTERNATE-SERVER {@code server}. Threshold 0
         * sends every new allocation there (draining this instance). Same transport and credentials there.
         */
        public Builder alternateServer(InetSocketAddress server, int threshold) {
            if (threshold < 0) {
                throw new IllegalArgumentException("threshold must be >= 0");
            }
            if (server.isUnresolved()) {
                throw new IllegalArgumentException("unresolved alternate server " + server);
            }
            this.alternateServer = server;
            this.alternateThreshold = threshold;
            return this;
        }

        public TurnServerConfig build() {
            if (realm == null || realm.isEmpty()) {
                throw new IllegalStateException("realm is required");
            }
            if (users.isEmpty() && secret == null) {
                throw new IllegalStateException("no credentials: give users or a secret (no open relay)");
            }
            if (!udp && !tcp) {
                throw new IllegalStateException("neither UDP nor TCP enabled");
            }
            InetAddress relay = relayIp != null ? relayIp : listen.getAddress();
            if (relay.isAnyLocalAddress()) {
                throw new IllegalStateException("listening on a wildcard address: set relayIp to the address peers reach");
            }
            if (relayIp6 != null && !(relay instanceof Inet4Address)) {
                throw new IllegalStateException("relayIp6 goes beside an IPv4 relayIp, not " + relay.getHostAddress());
            }
            if (listen6 != null && listen.getAddress() instanceof Inet6Address) {
                throw new IllegalStateException("listen6 goes beside an IPv4 listen address, not " + listen.getAddress().getHostAddress());
            }
            return new TurnServerConfig(this);
        }

        private static int port(int p) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("bad port " + p);
            }
            return p;
        }

        private static int positive(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("must be positive: " + n);
            }
            return n;
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive: " + d);
            }
            return d;
        }
    }
}
