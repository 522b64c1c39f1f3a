package dev.peerlink.stun.server.internal;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** Encoded sizes of attributes (type, length, value, padding), so replies can be sized before encoding. */
final class WireSize {
    static final int HEADER = 20;
    static final int FINGERPRINT = 8;

    private WireSize() {}

    static int address(InetSocketAddress a) {
        return 4 + 4 + (a.getAddress() instanceof Inet4Address ? 4 : 16);
    }

    static int value(int valueBytes) {
        return 4 + ((valueBytes + 3) & ~3);
    }
}
