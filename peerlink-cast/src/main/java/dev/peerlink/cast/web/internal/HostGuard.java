package dev.peerlink.cast.web.internal;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Locale;

/**
 * DNS-rebinding guard: a hostile web page can point its own name at 127.0.0.1 and then read our page as "same
 * origin", but its requests still carry its name in Host. So only IP literals and {@code localhost} are accepted
 * (loopback ones only when we are bound to loopback). The port is not checked: an SSH tunnel changes it legitimately.
 */
public final class HostGuard {
    private final boolean loopbackOnly;

    public HostGuard(InetAddress bound) {
        this.loopbackOnly = bound.isLoopbackAddress();
    }

    public boolean allows(String host) {
        if (host == null || host.isEmpty() || host.length() > 255) {
            return false;
        }
        String name = hostPart(host.toLowerCase(Locale.ROOT));
        if (name == null) {
            return false;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost")) {
            return true;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(name);
        if (ip == null) {
            return false; // a DNS name: exactly what rebinding uses
        }
        return !loopbackOnly || isLoopback(ip);
    }

    /** The host without the port, brackets removed from IPv6; null when malformed. */
    private static String hostPart(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || (close + 1 < host.length() && !validPort(host.substring(close + 1)))) {
                return null;
            }
            String v6 = host.substring(1, close);
            return NetUtil.isValidIpV6Address(v6) ? v6 : null;
        }
        int colon = host.indexOf(':');
        if (colon < 0) {
            return host;
        }
        return validPort(host.substring(colon)) ? host.substring(0, colon) : null;
    }

    private static boolean validPort(String colonPort) {
        if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonPort.length(); i++) {
            if (colonPort.charAt(i) < '0' || colonPort.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(colonPort.substring(1)) <= 65535;
    }

    private static boolean isLoopback(byte[] ip) {
        if (ip.length == 4) {
            return ip[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }
}
