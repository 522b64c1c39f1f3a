package dev.peerlink.protocol;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy that opens CONNECT tunnels, with optional Basic credentials: how the SDK reaches the server from a
 * network whose only way out is such a proxy. Written as browsers and {@code curl} take it: {@code http://host:port},
 * {@code http://user:password@host:port} (user info percent-encoded), or {@code host:port}.
 *
 * <p>{@link #forTarget} applies the environment convention: {@code HTTPS_PROXY} for {@code wss://} (and
 * {@code https://}) servers, {@code HTTP_PROXY} for {@code ws://}, lower-case names first, and {@code NO_PROXY}
 * (comma-separated host names, domain suffixes with or without a leading dot, IP literals, {@code *} for all).
 */
public record HttpProxy(String host, int port, String username, String password) {
    public HttpProxy {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("proxy host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("proxy port out of range: " + port);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("proxy credentials need both a user and a password");
        }
    }

    /** Parses {@code [http://][user:password@]host[:port]}; the port defaults to 80 as for any http:// URL. */
    public static HttpProxy parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        URI uri;
        try {
            uri = URI.create(s.contains("://") ? s : "http://" + s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a proxy URL: " + spec, e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only http:// proxies (CONNECT) are supported, not " + uri.getScheme() + "://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in proxy URL: " + spec);
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("proxy user info needs user:password");
            }
            user = URLDecoder.decode(info.substring(0, colon), StandardCharsets.UTF_8);
            password = URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new HttpProxy(host, uri.getPort() < 0 ? 80 : uri.getPort(), user, password);
    }

    /**
     * The proxy the environment names for a server at {@code target} ({@code ws://}, {@code wss://}, {@code http://},
     * {@code https://}), or empty when none is set or {@code NO_PROXY} excludes the host. A malformed variable is an
     * error rather than a silent direct connection.
     */
    public static Optional<HttpProxy> forTarget(URI target, Map<String, String> env) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("wss") || scheme.equals("https");
        String value = secure ? firstSet(env, "https_proxy", "HTTPS_PROXY") : firstSet(env, "http_proxy", "HTTP_PROXY");
        if (value == null || target.getHost() == null) {
            return Optional.empty();
        }
        String noProxy = firstSet(env, "no_proxy", "NO_PROXY");
        if (noProxy != null && excluded(target.getHost(), noProxy)) {
            return Optional.empty();
        }
        return Optional.of(parse(value));
    }

    /** The proxy's address, resolved now (the tunnel's own target is left for the proxy to resolve). */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /**
     * A blocking CONNECT tunnel to {@code host:port} through this proxy, for plain-socket clients (the TURN client's
     * TCP/TLS link); the connect and the proxy's answer must both come within {@code timeout}.
     */
    public java.net.Socket tunnel(String host, int port, java.time.Duration timeout) throws java.io.IOException {
        return dev.peerlink.protocol.internal.ConnectTunnel.open(this, host, port, timeout);
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** {@code http://host:port}, credentials left out: safe to log. */
    @Override
    public String toString() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (hasCredentials() ? " (with credentials)" : "");
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    static boolean excluded(String host, String noProxy) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        for (String raw : noProxy.split(",")) {
            String rule = raw.strip().toLowerCase(Locale.ROOT);
            if (rule.isEmpty()) {
                continue;
            }
            if (rule.equals("*")) {
                return true;
            }
            int colon = rule.lastIndexOf(':');
            if (colon > 0 && rule.indexOf(':') == colon) {
                rule = rule.substring(0, colon); // host:port — the port is not considered (as curl)
            }
            String suffix = rule.startsWith(".") ? rule.substring(1) : rule;
            if (h.equals(suffix) || h.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }
}
