package dev.peerlink.testkit.netns;

/**
 * IPv6 pieces of the bed ({@link NatTestBed.Builder#ipv6()}): the documentation prefix 2001:db8::/32 (RFC 3849),
 * the quiet per-namespace settings and the nftables lines that let neighbour discovery through the bed's firewalls.
 */
final class Ipv6Rules {
    /** The internet segment's /64 (on the same bridge as 203.0.113.0/24). */
    static final String INTERNET_PREFIX = "2001:db8::";
    static final int PREFIX_LENGTH = 64;

    private Ipv6Rules() {
    }

    /** Site {@code n}'s LAN prefix: 2001:db8:n::/64, routed (no NAT66) via the site router's WAN address. */
    static String lanPrefix(int n) {
        return "2001:db8:" + n + "::";
    }

    /** A router's WAN address on the internet segment for site {@code n}: 2001:db8::(100+n) as text, like the v4 .100+n. */
    static String wanAddress(int n) {
        return INTERNET_PREFIX + (100 + n);
    }

    /**
     * Sysctls that turn IPv6 on in a namespace the bed built with it off. No router advertisements are accepted or
     * solicited (addresses and routes are static) and duplicate address detection is off, so addresses work at once
     * and the only link-local chatter left is MLD and neighbour discovery. The per-interface values are set for
     * {@code interfaces}, which already exist (they took the defaults of a namespace without IPv6): a link-local
     * address still tentative when the first neighbour solicitation leaves made the answer to it get dropped, and
     * the first packet waited a second for the retransmission. {@code router}: forwarding on.
     */
    static String[] enable(boolean router, String... interfaces) {
        java.util.List<String> s = new java.util.ArrayList<>();
        java.util.List<String> scopes = new java.util.ArrayList<>(java.util.List.of("all", "default"));
        scopes.addAll(java.util.List.of(interfaces));
        for (String scope : scopes) {
            s.add("net.ipv6.conf." + scope + ".accept_ra=0");
            s.add("net.ipv6.conf." + scope + ".router_solicitations=0");
            s.add("net.ipv6.conf." + scope + ".dad_transmits=0");
        }
        s.add("net.ipv6.conf.all.disable_ipv6=0");
        s.add("net.ipv6.conf.default.disable_ipv6=0");
        if (router) {
            s.add("net.ipv6.conf.all.forwarding=1");
        }
        return s.toArray(String[]::new);
    }

    /**
     * Prepends to an input chain (a router's or a firewalled host's) the neighbour-discovery accept a v6 host needs:
     * conntrack leaves these ICMPv6 messages untracked, so {@code ct state established,related} never admits them, and
     * without them nobody on the segment could resolve the host's address.
     */
    static String acceptNeighbourDiscovery() {
        return "insert rule inet filter input icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n";
    }
}
