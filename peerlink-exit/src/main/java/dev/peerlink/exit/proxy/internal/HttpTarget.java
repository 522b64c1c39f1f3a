package dev.peerlink.exit.proxy.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where an HTTP proxy request goes: from a {@code CONNECT host:port} authority, or from an absolute-form URI
 * ({@code http://host[:port]/path?query}, port 80 by default) together with its origin-form and Host header.
 *
 * @param host       name or IP literal (IPv6 without brackets)
 * @param port       destination port
 * @param originForm path and query for the origin server ({@code /} when empty); null for CONNECT
 * @param hostHeader the Host header the origin server gets; null for CONNECT
 */
record HttpTarget(String host, int port, String originForm, String hostHeader) {
    private static final int HTTP_PORT = 80;

    /** A CONNECT request target, or null when it is not a valid {@code host:port}. */
    static HttpTarget authority(String authority) {
        return parseAuthority(authority, -1, null);
    }

    /** An absolute-form {@code http://} request target, or null when it is not one. */
    static HttpTarget absolute(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
        String authority = u.getRawAuthority();
        if (!"http".equalsIgnoreCase(u.getScheme()) || authority == null || u.isOpaque()) {
            return null;
        }
        int at = authority.lastIndexOf('@');
        String hostPort = at >= 0 ? authority.substring(at + 1) : authority; // user info is not forwarded
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String origin = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        return parseAuthority(hostPort, HTTP_PORT, origin);
    }

    private static HttpTarget parseAuthority(String a, int defaultPort, String origin) {
        if (a == null || a.isEmpty() || a.length() > 300) {
            return null;
        }
        String host;
        String portText;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = a.substring(1, end);
            String rest = a.substring(end + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = a.indexOf(':');
            if (colon != a.lastIndexOf(':')) {
                return null; // an IPv6 literal must be bracketed
            }
            host = colon < 0 ? a : a.substring(0, colon);
            portText = colon < 0 ? null : a.substring(colon + 1);
        }
        int port = portText == null ? defaultPort : parsePort(portText);
        if (port < 1 || !Destinations.valid(host, port)) {
            return null;
        }
        return new HttpTarget(host, port, origin, origin == null ? null : a);
    }

    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : -1;
    }
}
