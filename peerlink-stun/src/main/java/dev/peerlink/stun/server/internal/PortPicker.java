package dev.peerlink.stun.server.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks two distinct free ports for port-0 configurations. The kernel's choice is only a
 * candidate: the caller binds all four sockets on it and retries with new candidates if another
 * process holds one of them (on the alternate IP, or for the other protocol).
 */
final class PortPicker {
    private PortPicker() {}

    /** {@code [p1, p2]}: configured ports kept, zeros replaced by ports free on {@code host} right now. */
    static int[] pick(InetAddress host, int p1, int p2, boolean needSecond, boolean udp) throws IOException {
        AutoCloseable first = null;
        try {
            if (p1 == 0) {
                first = probe(host, 0, udp);
                p1 = port(first);
            }
            if (needSecond && p2 == 0) {
                try (AutoCloseable second = probe(host, 0, udp)) {
                    p2 = port(second); // distinct from p1: that port is held by the first probe
                }
            }
            return new int[] {p1, p2};
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            if (first != null) {
                try {
                    first.close();
                } catch (Exception ignored) {
                    // a probe socket; nothing to recover
                }
            }
        }
    }

    private static AutoCloseable probe(InetAddress host, int port, boolean udp) throws IOException {
        return udp ? new DatagramSocket(new InetSocketAddress(host, port)) : new ServerSocket(port, 1, host);
    }

    private static int port(AutoCloseable s) {
        return s instanceof DatagramSocket d ? d.getLocalPort() : ((ServerSocket) s).getLocalPort();
    }
}
