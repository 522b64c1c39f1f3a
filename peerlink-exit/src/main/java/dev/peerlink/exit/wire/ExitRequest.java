package dev.peerlink.exit.wire;

import java.util.regex.Pattern;

/**
 * The first frame of an exit stream, requester → provider: open a TCP flow to {@code host:port}. The host is a DNS
 * name (resolved at the exit, as SOCKS5 {@code socks5h} expects) or an IP literal.
 */
public record ExitRequest(String host, int port) {
    private static final Pattern NAME = Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    public ExitRequest {
        if (host == null || host.isEmpty() || host.length() > 253) {
            throw new IllegalArgumentException("host must be 1-253 characters");
        }
        if (!(NAME.matcher(host).matches() || IPV4.matcher(host).matches() || (host.indexOf(':') >= 0 && IPV6.matcher(host).matches()))) {
            throw new IllegalArgumentException("host is neither a DNS name nor an IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535]");
        }
    }
}
