package dev.peerlink.stun.server;

import dev.peerlink.stun.AttributeRegistry;
import dev.peerlink.stun.StunMethod;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Immutable settings for {@link StunServer}; build with {@link #builder()}. */
public final class StunServerConfig {
    public static final int DEFAULT_PORT = 3478;
    /** Port conventionally used for the alternate address when none is given. */
    public static final int DEFAULT_ALTERNATE_PORT = 3479;
    /** Per source IP; generous for NAT discovery and CGNAT-shared addresses, tight for a flood. */
    public static final double DEFAULT_RATE_PER_SECOND = 100;
    public static final int DEFAULT_RATE_BURST = 200;

    private final InetSocketAddress primary;
    private final InetSocketAddress alternate;
    private final InetAddress listen6;
    private final boolean udp;
    private final boolean tcp;
    private final boolean classic;
    private final String software;
    private final double ratePerSecond;
    private final int rateBurst;
    private final int rateTableSize;
    private final Transport transport;
    private final int ioThreads;
    private final Duration tcpIdleTimeout;
    private final int tcpMaxConnections;
    private final int maxMessageSize;
    private final AttributeRegistry attributes;
    private final Map<StunMethod, StunMethodHandler> handlers;

    private StunServerConfig(Builder b) {
        this.primary = b.primary;
        this.alternate = b.alternate;
        this.listen6 = b.listen6;
        this.udp = b.udp;
        this.tcp = b.tcp;
        this.classic = b.classic;
        this.software = b.software;
        this.ratePerSecond = b.ratePerSecond;
        this.rateBurst = b.rateBurst;
        this.rateTableSize = b.rateTableSize;
        this.transport = b.transport;
        this.ioThreads = b.ioThreads;
        this.tcpIdleTimeout = b.tcpIdleTimeout;
        this.tcpMaxConnections = b.tcpMaxConnections;
        this.maxMessageSize = b.maxMessageSize;
        this.attributes = b.attributes;
        this.handlers = Map.copyOf(b.handlers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetSocketAddress primary() { return primary; }
    public Optional<InetSocketAddress> alternate() { return Optional.ofNullable(alternate); }
    /** An IPv6 address also served, on the primary port (IPv6 clients learn IPv6 reflexive addresses). */
    public Optional<InetAddress> listen6() { return Optional.ofNullable(listen6); }
    public boolean udp() { return udp; }
    public boolean tcp() { return tcp; }
    /** Whether RFC 3489 Binding requests (no magic cookie) are answered; see {@link Builder#classic}. */
    public boolean classic() { return classic; }
    public Optional<String> software() { return Optional.ofNullable(software); }
    /** Tokens per second per source IP; {@code Double.POSITIVE_INFINITY} when rate limiting is off. */
    public double ratePerSecond() { return ratePerSecond; }
    public int rateBurst() { return rateBurst; }
    /** Most source IPs the rate limiter tracks at once (memory bound). */
    public int rateTableSize() { return rateTableSize; }
    public Transport transport() { return transport; }
    public int ioThreads() { return ioThreads; }
    public Duration tcpIdleTimeout() { return tcpIdleTimeout; }
    public int tcpMaxConnections() { return tcpMaxConnections; }
    /** Largest datagram or TCP frame accepted; longer ones are garbage. */
    public int maxMessageSize() { return maxMessageSize; }
    public AttributeRegistry attributes() { return attributes; }
    public Map<StunMethod, StunMethodHandler> handlers() { return handlers; }

    public static final class Builder {
        private InetSocketAddress primary;
        private InetSocketAddress alternate;
        private InetAddress listen6;
        private boolean udp = true;
        private boolean tcp = true;
        private boolean classic = true;
        private String software;
        private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
        private int rateBurst = DEFAULT_RATE_BURST;
        private int rateTableSize = 65_536;
        private Transport transport = Transport.AUTO;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private Duration tcpIdleTimeout = Duration.ofSeconds(30);
        private int tcpMaxConnections = 4096;
        private int maxMessageSize = 4096;
        private AttributeRegistry attributes = AttributeRegistry.standard();
        private final Map<StunMethod, StunMethodHandler> handlers = new HashMap<>();

        private Builder() {}

        /** The primary address; port 0 picks free ports (for tests). Required. */
        public Builder primary(InetSocketAddress address) {
            this.primary = requireResolved(address);
            return this;
        }

        /** The primary address on {@link #DEFAULT_PORT}. */
        public Builder primary(InetAddress address) {
            return primary(new InetSocketAddress(address, DEFAULT_PORT));
        }

        /**
         * The alternate address: a second IP of the same family and a second port. Enables RFC 5780
         * (four sockets, CHANGE-REQUEST, OTHER-ADDRESS, RESPONSE-ORIGIN). Port 0 picks a free port.
         */
        public Builder alternate(InetSocketAddress address) {
            this.alternate = requireResolved(address);
            return this;
        }

        /** The alternate address on {@link #DEFAULT_ALTERNATE_PORT}. */
        public Builder alternate(InetAddress address) {
            return alternate(new InetSocketAddress(address, DEFAULT_ALTERNATE_PORT));
        }

        /**
         * Also answers on this IPv6 address (e.g. :: or ::1), on the primary port, beside an IPv4 primary: IPv6
         * clients get an IPv6 XOR-MAPPED-ADDRESS. RFC 5780 (the alternate) stays on the primary's family. With
         * epoll a wildcard is IPv6-only (IPV6_V6ONLY), so {@code ::} sits beside {@code 0.0.0.0}.
         */
        public Builder listen6(InetAddress address) {
            if (!(Objects.requireNonNull(address) instanceof java.net.Inet6Address)) {
                throw new IllegalArgumentException("listen6 must be an IPv6 address: " + address.getHostAddress());
            }
            this.listen6 = address;
            return this;
        }

        public Builder udp(boolean enabled) {
            this.udp = enabled;
            return this;
        }

        public Builder tcp(boolean enabled) {
            this.tcp = enabled;
            return this;
        }

        /**
         * Answer RFC 3489 ("classic") Binding requests over UDP, as RFC 8489 §12 allows (default on):
         * MAPPED-ADDRESS, and with an alternate SOURCE-ADDRESS, CHANGED-ADDRESS and CHANGE-REQUEST.
         * Off: such requests are garbage and get no answer (like coturn's --no-stun-backward-compatibility).
         */
        public Builder classic(boolean enabled) {
            this.classic = enabled;
            return this;
        }

        /** The SOFTWARE attribute added to responses when the amplification rule leaves room. */
        public Builder software(String value) {
            this.software = value;
            return this;
        }

        /** Token bucket per source IP: {@code perSecond} sustained, {@code burst} at once. */
        public Builder rateLimit(double perSecond, int burst) {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
            }
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /** Turns the per-source rate limit off (benchmarks, trusted networks). */
        public Builder noRateLimit() {
            this.ratePerSecond = Double.POSITIVE_INFINITY;
            this.rateBurst = Integer.MAX_VALUE;
            return this;
        }

        /** How many source IPs the rate limiter remembers; rounded up to a power of two. */
        public Builder rateTableSize(int entries) {
            if (entries < 16) {
                throw new IllegalArgumentException("rate table needs at least 16 entries");
            }
            this.rateTableSize = entries;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        /** IO threads; with epoll each gets its own UDP socket per address (SO_REUSEPORT). */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be >= 1");
            }
            this.ioThreads = threads;
            return this;
        }

        public Builder tcpIdleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive");
            }
            this.tcpIdleTimeout = timeout;
            return this;
        }

        public Builder tcpMaxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("tcpMaxConnections must be >= 1");
            }
            this.tcpMaxConnections = max;
            return this;
        }

        /** Largest datagram or TCP frame accepted, 548..65535 bytes. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 548 || bytes > 65_535) {
                throw new IllegalArgumentException("maxMessageSize must be 548..65535");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** The attribute registry for decoding; TURN passes one extended with its attributes. */
        public Builder attributes(AttributeRegistry registry) {
            this.attributes = Objects.requireNonNull(registry);
            return this;
        }

        /** Answers a method other than Binding (which is built in); unregistered methods get 400. */
        public Builder handler(StunMethod method, StunMethodHandler handler) {
            if (method.equals(StunMethod.BINDING)) {
                throw new IllegalArgumentException("Binding is built in");
            }
            handlers.put(method, Objects.requireNonNull(handler));
            return this;
        }

        public StunServerConfig build() {
            if (primary == null) {
                throw new IllegalStateException("primary address is required");
            }
            if (!udp && !tcp) {
                throw new IllegalStateException("enable UDP, TCP or both");
            }
            if (listen6 != null && !(primary.getAddress() instanceof Inet4Address)) {
                throw new IllegalStateException("listen6 goes beside an IPv4 primary, not " + primary.getAddress().getHostAddress());
            }
            if (alternate != null) {
                InetAddress a1 = primary.getAddress();
                InetAddress a2 = alternate.getAddress();
                if (a1.isAnyLocalAddress() || a2.isAnyLocalAddress()) {
                    // RESPONSE-ORIGIN and OTHER-ADDRESS must name real addresses.
                    throw new IllegalStateException("RFC 5780 needs specific addresses, not wildcards");
                }
                if ((a1 instanceof Inet4Address) != (a2 instanceof Inet4Address)) {
                    throw new IllegalStateException("primary and alternate must be the same address family");
                }
                if (a1.equals(a2)) {
                    throw new IllegalStateException("alternate must be a different IP address");
                }
                if (primary.getPort() != 0 && primary.getPort() == alternate.getPort()) {
                    throw new IllegalStateException("alternate must use a different port");
                }
            }
            return new StunServerConfig(this);
        }

        private static InetSocketAddress requireResolved(InetSocketAddress a) {
            Objects.requireNonNull(a, "address");
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address: " + a);
            }
            return a;
        }
    }
}
