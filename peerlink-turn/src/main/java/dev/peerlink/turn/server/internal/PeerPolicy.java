package dev.peerlink.turn.server.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which peers an allocation may talk to. A relay that reaches loopback, private networks or its own
 * host lets anyone on the internet into them (the classic TURN SSRF), so those ranges are refused
 * unless the operator opens them. An explicit allow wins over every refusal except the server's own
 * listening sockets, which would make the relay talk to itself.
 */
public final class PeerPolicy {
    /** Refused by default; NAT64 (64:ff9b::/96) addresses are checked by their embedded IPv4 too. */
    public static final List<String> DEFAULT_DENIED = List.of(
            "0.0.0.0/8",        // "this network", unspecified
            "10.0.0.0/8",       // RFC 1918
            "100.64.0.0/10",    // CGNAT shared space (RFC 6598)
            "127.0.0.0/8",      // loopback
            "169.254.0.0/16",   // link-local
            "172.16.0.0/12",    // RFC 1918
            "192.0.0.0/24",     // IETF protocol assignments
            "192.168.0.0/16",   // RFC 1918
            "198.18.0.0/15",    // benchmarking
            "224.0.0.0/4",      // multicast
            "240.0.0.0/4",      // reserved, includes broadcast 255.255.255.255
            "::/128",           // unspecified
            "::1/128",          // loopback
            "fc00::/7",         // unique local
            "fe80::/10",        // link-local
            "fec0::/10",        // site-local (deprecated, still routable in odd places)
            "ff00::/8");        // multicast

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");

    private final List<Cidr> allowed;
    private final List<Cidr> denied;
    private final Set<InetSocketAddress> ownSockets;

    public PeerPolicy(Collection<String> allowed, Collection<String> extraDenied, Collection<InetAddress> ownAddresses,
                      Set<InetSocketAddress> ownSockets) {
        this.allowed = allowed.stream().map(Cidr::parse).toList();
        List<Cidr> d = new ArrayList<>();
        DEFAULT_DENIED.forEach(c -> d.add(Cidr.parse(c)));
        extraDenied.forEach(c -> d.add(Cidr.parse(c)));
        ownAddresses.forEach(a -> d.add(Cidr.of(a)));
        this.denied = List.copyOf(d);
        this.ownSockets = Set.copyOf(ownSockets);
    }

    /** The host's addresses when bound to a wildcard, else just {@code bound}. */
    public static List<InetAddress> ownAddresses(InetAddress... bound) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : bound) {
            if (!a.isAnyLocalAddress()) {
                out.add(a);
                continue;
            }
            try {
                for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                    nif.inetAddresses().forEach(out::add);
                }
            } catch (SocketException e) {
                // No interface list: the range rules still refuse loopback and private addresses.
            }
        }
        return out;
    }

    public boolean permits(InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        if (ownSockets.contains(peer) || ip.isAnyLocalAddress() && peer.getPort() == 0) {
            return false;
        }
        byte[] raw = ip.getAddress();
        byte[] v4 = embeddedV4(raw);
        for (Cidr c : allowed) {
            if (c.contains(raw) || v4 != null && c.contains(v4)) {
                return true;
            }
        }
        for (Cidr c : denied) {
            if (c.contains(raw) || v4 != null && c.contains(v4)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] embeddedV4(byte[] raw) {
        // Java already turns ::ffff:a.b.c.d into an Inet4Address; NAT64 needs unwrapping here.
        if (raw.length == 16 && NAT64.contains(raw)) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        return null;
    }
}
