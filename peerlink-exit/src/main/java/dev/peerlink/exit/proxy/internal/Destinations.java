package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.wire.ExitRequest;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/** Host and address forms shared by the SOCKS5 and HTTP sides. */
final class Destinations {
    /** A SOCKS5 address: type, host text, port. */
    record SocksAddress(Socks5AddressType type, String host, int port) {
        static final SocksAddress UNSPECIFIED = new SocksAddress(Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    private Destinations() {}

    /** Whether an exit would accept {@code host:port} as a destination (the exit protocol's own rules). */
    static boolean valid(String host, int port) {
        try {
            new ExitRequest(host, port);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The SOCKS5 address type for a host: an IP literal's family, else a name. */
    static Socks5AddressType typeOf(String host) {
        if (NetUtil.isValidIpV4Address(host)) {
            return Socks5AddressType.IPv4;
        }
        return NetUtil.isValidIpV6Address(host) ? Socks5AddressType.IPv6 : Socks5AddressType.DOMAIN;
    }

    static SocksAddress of(InetSocketAddress a) {
        String host = NetUtil.toAddressString(a.getAddress());
        return new SocksAddress(typeOf(host), host, a.getPort());
    }

    /** An exit's {@code ip:port} (IPv6 possibly bracketed) as a SOCKS5 bound address; unspecified when unusable. */
    static SocksAddress bound(String ipPort) {
        if (ipPort == null) {
            return SocksAddress.UNSPECIFIED;
        }
        int colon = ipPort.lastIndexOf(':');
        if (colon <= 0) {
            return SocksAddress.UNSPECIFIED;
        }
        String host = ipPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(ipPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return SocksAddress.UNSPECIFIED;
        }
        Socks5AddressType type = typeOf(host);
        if (port < 0 || port > 65535 || type == Socks5AddressType.DOMAIN) {
            return SocksAddress.UNSPECIFIED;
        }
        return new SocksAddress(type, host, port);
    }
}
