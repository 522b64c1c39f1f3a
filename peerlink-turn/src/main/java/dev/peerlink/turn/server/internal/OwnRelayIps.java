package dev.peerlink.turn.server.internal;

import dev.peerlink.turn.server.TurnServerConfig;
import java.net.InetAddress;
import java.util.List;

/**
 * The specific IPs the server relays from, unless explicitly allowed as peers. They are the server's own addresses, refused as peers by {@link PeerPolicy}
 * — except that one allocation may talk to another's relayed address (relay to relay: two devices that both reach the
 * relay only over TCP/TLS). {@link PermissionService} lets a permission for these IPs through and {@link DataPath}
 * sends there only to relayed addresses in use; anything else on them (the listeners, other services) stays closed.
 */
final class OwnRelayIps {
    private final List<InetAddress> ips;

    private OwnRelayIps(List<InetAddress> ips) {
        this.ips = ips;
    }

    static OwnRelayIps of(TurnServerConfig config) {
        // A wildcard relay IP names no address to recognise: relay to relay then stays refused like any own address.
        // An IP the operator allowed explicitly (allowPeer) is a peer like any other, as before: no restriction here.
        List<Cidr> allowed = config.allowedPeers().stream().map(Cidr::parse).toList();
        return new OwnRelayIps(config.relayIps().stream()
                .filter(ip -> !ip.isAnyLocalAddress())
                .filter(ip -> allowed.stream().noneMatch(c -> c.contains(ip.getAddress())))
                .toList());
    }

    boolean contains(InetAddress ip) {
        for (InetAddress own : ips) { // one or two entries: a scan beats hashing on the data path
            if (own.equals(ip)) {
                return true;
            }
        }
        return false;
    }
}
