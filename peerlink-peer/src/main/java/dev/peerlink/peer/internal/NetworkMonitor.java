package dev.peerlink.peer.internal;

import dev.peerlink.protocol.NetworkInfo;
import dev.peerlink.stun.nat.DiscoveryOptions;
import dev.peerlink.stun.nat.FilteringBehavior;
import dev.peerlink.stun.nat.MappingBehavior;
import dev.peerlink.stun.nat.NatBehaviorDiscovery;
import dev.peerlink.stun.nat.NatReport;
import dev.peerlink.stun.nat.NatType;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The device's own view of its network: LAN addresses from its interfaces, NAT behaviour from STUN. */
public final class NetworkMonitor {
    private NetworkMonitor() {}

    /** Up, non-loopback interface addresses (IPv6 link-local left out), each with {@code port}. */
    public static List<InetSocketAddress> lanAddresses(int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : nif.inetAddresses().toList()) {
                    if (a instanceof Inet6Address && (a.isLinkLocalAddress() || a.isMulticastAddress())) {
                        continue;
                    }
                    if (out.size() < NetworkInfo.MAX_LAN) {
                        out.add(new InetSocketAddress(a, port));
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return out;
    }

    /** The NAT report of a network that lets no UDP through ({@link #udpBlocked}): no public address, nothing else known. */
    public static final NetworkInfo.Nat UDP_BLOCKED = new NetworkInfo.Nat(NatType.UDP_BLOCKED.label(), null, null, null, null, null);

    /**
     * Whether no STUN server of {@code servers} answers a Binding request over UDP within {@code bound} (sent to all at
     * once, at 0, 200 and 500 ms). Called while the signalling connection (TCP) works, silence then means UDP is
     * dropped on the way — said after {@code bound}, not after discovery's full retransmission schedule.
     */
    public static boolean udpBlocked(List<InetSocketAddress> servers, java.time.Duration bound) throws java.io.IOException {
        try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open();
             java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            ch.bind(new InetSocketAddress(0));
            ch.configureBlocking(false);
            ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
            return StunBinding.mapped(ch, sel, servers, bound).isEmpty();
        }
    }

    /**
     * Runs RFC 5780 discovery against {@code stun} (lifetime test off: it takes minutes). Retransmission is brisker
     * than RFC 8489's defaults (RTO 150 ms, 4 transmissions): the filtering tests expect silence, and a device should
     * know its NAT within a couple of seconds of starting, not forty.
     */
    public static NatReport discover(InetSocketAddress stun) throws java.io.IOException, InterruptedException {
        return new NatBehaviorDiscovery(stun, DiscoveryOptions.DEFAULT.withRetransmission(
                new dev.peerlink.stun.client.RetransmissionPolicy(java.time.Duration.ofMillis(150),
                        java.time.Duration.ofMillis(50), 4, 6))).run();
    }

    public static NetworkInfo.Nat nat(NatReport r) {
        return new NetworkInfo.Nat(r.type().map(NatType::label).orElse(null), r.mapping().map(MappingBehavior::label).orElse(null),
                r.filtering().map(FilteringBehavior::label).orElse(null), r.portAllocation().pattern().label(),
                r.portAllocation().delta().orElse(null), r.hairpinning().orElse(null));
    }

    public static Optional<InetSocketAddress> publicAddress(NatReport r) {
        return r.publicAddress();
    }
}
