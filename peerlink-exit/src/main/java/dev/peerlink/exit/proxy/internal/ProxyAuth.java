package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Checks what a client presents against the configured credentials, in time independent of where they differ. */
final class ProxyAuth {
    private static final String BASIC = "Basic ";

    private ProxyAuth() {}

    static boolean matches(Credentials expected, String username, String password) {
        if (username == null || password == null) {
            return false;
        }
        boolean user = MessageDigest.isEqual(utf8(expected.username()), utf8(username));
        boolean pass = MessageDigest.isEqual(utf8(expected.password()), utf8(password));
        return user & pass;
    }

    /** A {@code Proxy-Authorization} header value: {@code Basic base64(user:password)}. */
    static boolean matchesBasic(Credentials expected, String header) {
        if (header == null) {
            return false;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(BASIC.length()).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && matches(expected, decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
