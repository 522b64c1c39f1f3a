package dev.peerlink.peer.internal.ladder;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * The ladder's decisions from what both devices announced: which path a working address means, whether a reverse
 * connection can work, and whether any direct UDP path can exist at all (else the relay starts at once).
 */
public final class PathPlan {
    /** Filtering that drops a packet unless the inside host sent to that exact address and port. */
    private static final Set<String> PORT_FILTERING = Set.of("port-restricted-cone", "symmetric", "symmetric-udp-firewall");

    /** The label discovery gives a host with a public address whose firewall filters inbound. */
    private static final String FIREWALLED = "symmetric-udp-firewall";

    private PathPlan() {}

    /** Private, loopback, link-local, carrier-grade NAT (100.64/10) or unique-local: an address on "the LAN". */
    public static boolean isPrivate(InetAddress a) {
        if (a.isSiteLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        }
        return a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
    }

    /**
     * Whether {@code a}, a candidate of the device behind {@code o}, can take an unsolicited inbound connection as far
     * as the offer tells: a public IPv4 address (NAT aside, which the offer's type covers), or a global IPv6 one of a
     * device whose network does not NAT IPv4 ({@code open-internet}). Behind a v4 NAT (or unknown) a home router's
     * stateful IPv6 firewall drops inbound like the NAT does (RFC 6092), so a v6 address is no dial-back target there:
     * the v6 path comes from UDP checks (punch) instead of a reverse wait.
     */
    static boolean inboundCandidate(LadderOffer o, InetSocketAddress a) {
        if (isPrivate(a.getAddress())) {
            return false;
        }
        return a.getAddress() instanceof Inet4Address || "open-internet".equals(o.nat());
    }

    /** The name of a path that reached {@code remote}: lan for private addresses, else {@code publicPath}. */
    public static String label(InetSocketAddress remote, String publicPath) {
        return isPrivate(remote.getAddress()) ? "lan" : publicPath;
    }

    /** Both devices behind the same public address (probably one LAN), or sharing a host address (one host). */
    public static boolean sameSite(LadderOffer a, LadderOffer b) {
        if (a.publicIp() != null && a.publicIp().equals(b.publicIp())) {
            return true;
        }
        return a.tcp().stream().anyMatch(x -> b.tcp().stream().anyMatch(y -> y.getAddress().equals(x.getAddress())));
    }

    /**
     * Whether the target can dial the initiator back: the initiator listens on a public address (no NAT) or both are
     * on one site (the target can reach the initiator's LAN address).
     */
    public static boolean reverseUseful(LadderOffer initiator, LadderOffer target) {
        if (sameSite(initiator, target)) {
            return true;
        }
        // A host firewall (no NAT, filtered) drops the dial-back like any other inbound connection.
        return !FIREWALLED.equals(initiator.nat()) && initiator.tcp().stream().anyMatch(a -> inboundCandidate(initiator, a));
    }

    /**
     * True when no UDP path between the two can open: one side maps per destination (symmetric) and the other only
     * lets in the exact address:port it sent to — the symmetric side's port towards it cannot be known. (The hard-NAT
     * work — port prediction, birthday punching — narrows this.) Unknown NAT types are assumed workable.
     */
    public static boolean punchImpossible(LadderOffer a, LadderOffer b) {
        if (sameSite(a, b)) {
            return false;
        }
        return "symmetric".equals(a.nat()) && PORT_FILTERING.contains(b.nat())
                || "symmetric".equals(b.nat()) && PORT_FILTERING.contains(a.nat());
    }

    /** What the non-symmetric side of a birthday pair may be: mapping endpoint-independent, or no NAT at all. */
    private static final Set<String> BIRTHDAY_EASY = Set.of("port-restricted-cone", "restricted-cone", "full-cone",
            FIREWALLED, "open-internet");

    /**
     * Whether birthday punching (seed 003) applies: no plain punch can work ({@link #punchImpossible}), exactly one side
     * is symmetric and the other maps endpoint-independently or has no NAT, and both public IPs are known.
     * Symmetric ↔ symmetric is {@link #predictUseful}'s.
     */
    public static boolean birthdayUseful(LadderOffer a, LadderOffer b) {
        if (!punchImpossible(a, b) || a.publicIp() == null || b.publicIp() == null) {
            return false;
        }
        return "symmetric".equals(a.nat()) && BIRTHDAY_EASY.contains(b.nat())
                || "symmetric".equals(b.nat()) && BIRTHDAY_EASY.contains(a.nat());
    }

    /**
     * Whether two-sided port prediction (issue 18) may apply: no plain punch can work and both sides are symmetric,
     * with both public IPs known. It needs both NATs sequential; each side knows only its own report, so the step
     * itself finds out (a side that cannot predict signals so and the relay starts at once).
     */
    public static boolean predictUseful(LadderOffer a, LadderOffer b) {
        return punchImpossible(a, b) && "symmetric".equals(a.nat()) && "symmetric".equals(b.nat())
                && a.publicIp() != null && b.publicIp() != null;
    }

    /** What discovery reports for a network that lets no UDP through (no STUN answer while signalling works). */
    public static final String UDP_BLOCKED = "udp-blocked";

    /** Whether the device behind {@code o} cannot send or receive UDP at all. */
    public static boolean udpBlocked(LadderOffer o) {
        return UDP_BLOCKED.equals(o.nat());
    }

    /**
     * Whether the device behind {@code o} can be reached only over IPv6 (no IPv4 public address or candidate, some
     * IPv6 one): a relay for it needs an IPv6 relayed address (REQUESTED-ADDRESS-FAMILY), whatever reaches the relay.
     */
    public static boolean ipv6Only(LadderOffer o) {
        if (o.publicIp() instanceof java.net.Inet4Address) {
            return false;
        }
        boolean v6 = o.publicIp() instanceof java.net.Inet6Address;
        for (InetSocketAddress a : o.udp()) {
            if (a.getAddress() instanceof java.net.Inet4Address) {
                return false;
            }
            v6 = true;
        }
        return v6;
    }

    /** Whether only TCP can carry this pair's paths: UDP checks, punching and birthday probes are skipped. */
    public static boolean tcpOnly(LadderOffer a, LadderOffer b) {
        return udpBlocked(a) || udpBlocked(b);
    }

    /**
     * Whether a TCP path (lan, direct, mapped or reverse) may open between the two: the same site, a public TCP
     * candidate on a target without a host firewall, a gateway mapping on the target, or a dial-back that can work.
     * Without one, a TCP-only initiator starts the relay (over TCP/TLS) at once.
     */
    public static boolean tcpPathPossible(LadderOffer initiator, LadderOffer target) {
        boolean publicListener = !FIREWALLED.equals(target.nat())
                && target.tcp().stream().anyMatch(a -> inboundCandidate(target, a));
        return sameSite(initiator, target) || !target.mapped().isEmpty() || publicListener || reverseUseful(initiator, target);
    }

    /** Rank for moves: a connection only ever moves to a better (lower) rank. */
    public static int rank(String path) {
        return switch (path) {
            case "lan" -> 0;
            case "direct", "mapped" -> 1;
            case "reverse" -> 2;
            case "punch" -> 3;
            case "birthday" -> 4;
            default -> 5;
        };
    }
}
