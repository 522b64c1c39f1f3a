package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what {@link NatTestBed.Builder#ipv6()} adds to a finished bed: IPv6 on the server, {@code openHost(0)} and
 * {@code firewalledHost(0)}; two dual-stack home sites (IPv4 NATed like a port-restricted cone, IPv6 routed to the
 * LAN behind the router's stateful firewall: the {@link NatRules} forward chain is {@code inet}, so it already admits
 * only established/related and LAN-originated IPv6) and one IPv6-only site. Every LAN /64 is routed from every
 * IPv6 namespace on the internet segment via its router's WAN address.
 */
final class Ipv6Sites {
    record Built(List<Host> dualStack, List<Router> dualStackRouters, Host ipv6Only, Router ipv6OnlyRouter) {
    }

    private final NatTestBed bed;
    private final int sequentialDelta;
    /** Namespaces on the internet segment with IPv6: they need a route to every site's LAN prefix. */
    private final List<Netns> segment = new ArrayList<>();
    /** LAN prefix (site n) to the namespace of its router, which needs no route to its own LAN. */
    private final Map<Integer, Netns> sites = new LinkedHashMap<>();

    Ipv6Sites(NatTestBed bed, int sequentialDelta) {
        this.bed = bed;
        this.sequentialDelta = sequentialDelta;
    }

    /** Adds everything, numbering sites from {@code n}. */
    Built build(int n) {
        quietBridge(bed.internetNamespace(), "br0");
        ServerHost server = bed.server();
        publicHost(server, NatTestBed.SERVER_PRIMARY6);
        server.netns().ip("addr", "add", NatTestBed.SERVER_ALTERNATE6 + "/" + Ipv6Rules.PREFIX_LENGTH, "dev", "eth0", "nodad");
        publicHost(bed.openHost(), NatTestBed.OPEN_HOST6);
        Host fw = publicHost(bed.firewalledHost(), NatTestBed.FIREWALLED_HOST6);
        fw.netns().nft(Ipv6Rules.acceptNeighbourDiscovery());

        List<Host> dualStack = new ArrayList<>();
        List<Router> routers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String role = "ds" + (i + 1);
            Router r = router("r-" + role, n);
            routers.add(r);
            Host c = bed.newLanClient(nsOf(r), "client-dual-stack" + (i == 0 ? "" : "#" + i), "c-" + role, "lan-c1",
                    "10.0." + n + ".2", "10.0." + n + ".1", HostKind.DUAL_STACK,
                    HostKind.DUAL_STACK.label() + (i == 0 ? "" : "#" + i));
            c.netns().sysctl(Ipv6Rules.enable(false, "eth0"));
            String v6 = Ipv6Rules.lanPrefix(n) + "2";
            c.netns().ip("addr", "add", v6 + "/" + Ipv6Rules.PREFIX_LENGTH, "dev", "eth0", "nodad");
            c.netns().ip("-6", "route", "add", "default", "via", Ipv6Rules.lanPrefix(n) + "1");
            c.ipv6Address(NatTestBed.addr(v6));
            dualStack.add(c);
            n++;
        }
        Router v6Router = router("r-v6o", n);
        Netns c = bed.newNamespace("c-v6o", false);
        c.sysctl(Ipv6Rules.enable(false));
        String v6 = Ipv6Rules.lanPrefix(n) + "2";
        // Enabled before the link exists, so eth0 inherits dad_transmits=0 and its address works at once.
        NatTestBed.link(nsOf(v6Router), "lan-c1", c, "eth0", v6 + "/" + Ipv6Rules.PREFIX_LENGTH);
        nsOf(v6Router).ip("link", "set", "lan-c1", "master", NatRules.LAN_IF);
        c.ip("-6", "route", "add", "default", "via", Ipv6Rules.lanPrefix(n) + "1");
        Host v6Only = new Host("ipv6-only", c, NatTestBed.addr(v6), HostKind.IPV6_ONLY, HostKind.IPV6_ONLY.label(),
                new Host.Wire(nsOf(v6Router), "lan-c1"));
        v6Only.ipv6Address(NatTestBed.addr(v6));

        for (Map.Entry<Integer, Netns> site : sites.entrySet()) {
            for (Netns ns : segment) {
                if (ns != site.getValue()) {
                    ns.ip("-6", "route", "add", Ipv6Rules.lanPrefix(site.getKey()) + "/" + Ipv6Rules.PREFIX_LENGTH,
                            "via", Ipv6Rules.wanAddress(site.getKey()));
                }
            }
        }
        return new Built(List.copyOf(dualStack), List.copyOf(routers), v6Only, v6Router);
    }

    private Host publicHost(Host host, String v6) {
        host.netns().sysctl(Ipv6Rules.enable(false, "eth0"));
        host.netns().ip("addr", "add", v6 + "/" + Ipv6Rules.PREFIX_LENGTH, "dev", "eth0", "nodad");
        host.ipv6Address(NatTestBed.addr(v6));
        segment.add(host.netns());
        return host;
    }

    /**
     * Site {@code n}'s home router: the bed's usual WAN .100+n and LAN 10.0.n.0/24 with a port-restricted cone NAT,
     * plus 2001:db8::(100+n) on {@code wan0} and 2001:db8:n::1/64 on {@code lan0}, forwarding IPv6.
     */
    private Router router(String role, int n) {
        String wan = "203.0.113." + (100 + n);
        String lan = "10.0." + n + ".1";
        Netns r = bed.newRouter(role, role, wan, lan);
        r.sysctl(Ipv6Rules.enable(true, NatRules.WAN_IF, NatRules.LAN_IF));
        r.ip("addr", "add", Ipv6Rules.wanAddress(n) + "/" + Ipv6Rules.PREFIX_LENGTH, "dev", NatRules.WAN_IF, "nodad");
        r.ip("addr", "add", Ipv6Rules.lanPrefix(n) + "1/" + Ipv6Rules.PREFIX_LENGTH, "dev", NatRules.LAN_IF, "nodad");
        r.nft(NatRules.ruleset(NatType.PORT_RESTRICTED_CONE, wan, "10.0." + n + ".0/24", null, sequentialDelta));
        r.nft(Ipv6Rules.acceptNeighbourDiscovery());
        quietBridge(r, NatRules.LAN_IF);
        segment.add(r);
        sites.put(n, r);
        return new Router(NatType.PORT_RESTRICTED_CONE, -1, role, r, NatTestBed.addr(wan), NatTestBed.addr(lan), null,
                sequentialDelta);
    }

    /**
     * Multicast snooping off: the bridge would forward a neighbour solicitation (to a solicited-node multicast
     * group) only to ports whose MLD report it saw, and a report sent while an interface's link-local address is
     * still tentative is lost, so some addresses would never be resolved. Flooding is what a small switch does.
     */
    private static void quietBridge(Netns ns, String bridge) {
        ns.ip("link", "set", bridge, "type", "bridge", "mcast_snooping", "0");
    }

    private static Netns nsOf(Router r) {
        return r.netns();
    }
}
