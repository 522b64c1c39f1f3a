package dev.peerlink.exit.proxy;

import dev.peerlink.exit.ExitDialer;
import dev.peerlink.exit.proxy.internal.ProxyContext;
import dev.peerlink.exit.proxy.internal.ProxyServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The requester's local proxy: a SOCKS5 server (RFC 1928, with RFC 1929 username/password) and an HTTP proxy
 * ({@code CONNECT} tunnels and absolute-form requests) whose every flow leaves through an {@link ExitDialer}. Names
 * are passed to the dialer unresolved, so DNS happens at the exit ({@code socks5h} semantics).
 *
 * <p>Binds to loopback unless told otherwise. {@link #close()} ends every client connection and every flow.
 */
public final class LocalProxy implements AutoCloseable {
    /** Username and password asked of clients: RFC 1929 for SOCKS5, {@code Proxy-Authorization: Basic} for HTTP. */
    public record Credentials(String username, String password) {
        public Credentials {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            // RFC 1929 carries each in a u8-length field; Basic cannot carry a ':' in the username.
            if (username.isEmpty() || username.getBytes(StandardCharsets.UTF_8).length > 255 || username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("username must be 1-255 UTF-8 bytes without ':'");
            }
            if (password.isEmpty() || password.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("password must be 1-255 UTF-8 bytes");
            }
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /**
     * @param maxConnections   client connections open at once; more are closed on accept
     * @param handshakeTimeout time a client has to finish its SOCKS5 handshake or send its HTTP request head
     * @param dialTimeout      time the exit has to open a flow before the client is told it timed out
     * @param maxRequestHead   largest HTTP request line and header block, in bytes each
     */
    public record Limits(int maxConnections, Duration handshakeTimeout, Duration dialTimeout, int maxRequestHead) {
        public static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(10), Duration.ofSeconds(30), 8192);

        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive");
            }
            if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                    || dialTimeout == null || dialTimeout.isNegative() || dialTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            if (maxRequestHead < 256 || maxRequestHead > 1 << 20) {
                throw new IllegalArgumentException("maxRequestHead must be in [256, 1 MiB]");
            }
        }
    }

    /**
     * @param socks       where the SOCKS5 server listens, or null for none
     * @param http        where the HTTP proxy listens, or null for none
     * @param credentials what clients must present, or null for no authentication
     * @param limits      connection and request limits
     */
    public record Config(InetSocketAddress socks, InetSocketAddress http, Credentials credentials, Limits limits) {
        public Config {
            if (socks == null && http == null) {
                throw new IllegalArgumentException("a proxy needs a SOCKS5 or an HTTP address");
            }
            limits = limits == null ? Limits.DEFAULT : limits;
        }

        /** SOCKS5 only, on the loopback address ({@code port} 0 picks a free one). */
        public static Config loopbackSocks(int port) {
            return new Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, null, null);
        }

        /** HTTP only, on the loopback address. */
        public static Config loopbackHttp(int port) {
            return new Config(null, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, null);
        }

        /** This configuration plus an HTTP proxy on the loopback address. */
        public Config withLoopbackHttp(int port) {
            return new Config(socks, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), credentials, limits);
        }

        public Config withCredentials(Credentials c) {
            return new Config(socks, http, c, limits);
        }

        public Config withLimits(Limits l) {
            return new Config(socks, http, credentials, l);
        }
    }

    private final ProxyContext context;
    private final ProxyServers servers;

    private LocalProxy(ProxyContext context, ProxyServers servers) {
        this.context = context;
        this.servers = servers;
    }

    /** Binds the configured servers; fails (with nothing left running) when an address cannot be bound. */
    public static LocalProxy start(Config config, ExitDialer dialer) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(dialer, "dialer");
        ProxyContext context = new ProxyContext(dialer, config.credentials(), config.limits());
        return new LocalProxy(context, ProxyServers.bind(context, config.socks(), config.http()));
    }

    /** The SOCKS5 server's bound address, or null when not configured. */
    public InetSocketAddress socksAddress() {
        return servers.socksAddress();
    }

    /** The HTTP proxy's bound address, or null when not configured. */
    public InetSocketAddress httpAddress() {
        return servers.httpAddress();
    }

    public ProxyStats stats() {
        return context.stats();
    }

    /** Stops listening, closes every client connection and every flow. Idempotent. */
    @Override
    public void close() {
        servers.close();
    }
}
