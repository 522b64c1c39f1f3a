package dev.peerlink.server.admin;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The admin listener: metrics, the summary API, its event stream, the QoS map and the dashboard.
 *
 * @param listen where it listens ({@value #DEFAULT_PORT} on loopback by default)
 * @param token the bearer token; empty: {@code PEERLINK_ADMIN_TOKEN}, else one generated and kept in the data
 *        directory ({@value AdminToken#FILE})
 * @param tokenRule when a token is required; operators get {@link TokenRule#UNLESS_LOOPBACK}
 */
public record AdminConfig(InetSocketAddress listen, Optional<String> token, TokenRule tokenRule) {
    public static final int DEFAULT_PORT = 7070;

    /** When requests must carry the token. */
    public enum TokenRule {
        /** Bound to a loopback address: no token (only local users reach it); any other address: token required. */
        UNLESS_LOOPBACK,
        /** Always (tests of the refusal on loopback; operators who share the host). */
        ALWAYS
    }

    public AdminConfig {
        if (listen == null || listen.isUnresolved()) {
            throw new IllegalArgumentException("admin listen address must be a resolved IP:PORT");
        }
        token = token.filter(t -> !t.isBlank());
        if (token.isPresent() && token.get().length() < 16) {
            throw new IllegalArgumentException("admin token must be at least 16 characters");
        }
    }

    public static AdminConfig loopback(int port) {
        return new AdminConfig(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), Optional.empty(),
                TokenRule.UNLESS_LOOPBACK);
    }

    public AdminConfig withToken(String t) {
        return new AdminConfig(listen, Optional.ofNullable(t), tokenRule);
    }

    public AdminConfig withTokenRule(TokenRule rule) {
        return new AdminConfig(listen, token, rule);
    }

    /** Whether requests need the token on this address under this rule. */
    public boolean requiresToken() {
        return tokenRule == TokenRule.ALWAYS || !listen.getAddress().isLoopbackAddress();
    }
}
