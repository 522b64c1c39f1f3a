package dev.peerlink.stun.server.internal;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The server's addresses. Without an alternate there is one; with one there are RFC 5780's four,
 * indexed by two bits so CHANGE-REQUEST is an XOR: bit 1 = alternate IP, bit 0 = alternate port.
 * <pre>
 *   0 = A1:P1   1 = A1:P2   2 = A2:P1   3 = A2:P2
 * </pre>
 */
public final class SocketLayout {
    public static final int CHANGE_IP_BIT = 2;
    public static final int CHANGE_PORT_BIT = 1;

    private final InetSocketAddress[] addresses;

    public SocketLayout(List<InetSocketAddress> addresses) {
        if (addresses.size() != 1 && addresses.size() != 4) {
            throw new IllegalArgumentException("one or four addresses");
        }
        this.addresses = addresses.toArray(InetSocketAddress[]::new);
    }

    public static SocketLayout of(InetSocketAddress primary, InetSocketAddress alternate) {
        if (alternate == null) {
            return new SocketLayout(List.of(primary));
        }
        return new SocketLayout(List.of(
                primary,
                new InetSocketAddress(primary.getAddress(), alternate.getPort()),
                new InetSocketAddress(alternate.getAddress(), primary.getPort()),
                alternate));
    }

    public boolean rfc5780() {
        return addresses.length == 4;
    }

    public int size() {
        return addresses.length;
    }

    public InetSocketAddress address(int index) {
        return addresses[index];
    }

    public List<InetSocketAddress> addresses() {
        return List.of(addresses);
    }

    /** The socket that sends a reply to a request received on {@code received}; -1 if it does not exist. */
    public int sender(int received, boolean changeIp, boolean changePort) {
        int flags = (changeIp ? CHANGE_IP_BIT : 0) | (changePort ? CHANGE_PORT_BIT : 0);
        if (flags != 0 && !rfc5780()) {
            return -1;
        }
        return received ^ flags;
    }

    /** OTHER-ADDRESS for a request received on {@code received}: differs in both IP and port. */
    public InetSocketAddress other(int received) {
        return rfc5780() ? addresses[received ^ (CHANGE_IP_BIT | CHANGE_PORT_BIT)] : null;
    }
}
