package dev.peerlink.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * {@code ip:port} text ({@code [v6]:port} for IPv6) to and from socket addresses. Only IP
 * literals are accepted, so parsing never triggers a DNS lookup.
 */
public final class Endpoints {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Endpoints() {}

    public static InetSocketAddress parse(String text) {
        if (text == null || text.length() > 60) {
            throw new IllegalArgumentException("not an ip:port");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("not an ip:port: " + text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!V6.matcher(host).matches() || host.indexOf(':') < 0) {
                throw new IllegalArgumentException("not an IPv6 literal: " + text);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not an ip:port: " + text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (!V4.matcher(host).matches()) {
                throw new IllegalArgumentException("not an IPv4 literal: " + text);
            }
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad port: " + text);
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("bad port: " + text);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + text);
        }
    }

    public static String format(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        int pct = ip.indexOf('%');
        if (pct >= 0) {
            ip = ip.substring(0, pct);
        }
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
