package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A NAT router: its own namespace with {@code wan0} on the internet bridge and bridge {@code lan0} towards its
 * clients. Also the place to inject faults (loss, a broken link) and to forget NAT state.
 */
public final class Router {
    private final NatType type;
    private final int index;
    private final String name;
    private final Netns ns;
    private volatile InetAddress wanAddress;
    private final InetAddress lanAddress;
    private final PortRange externalPorts;
    private final int portDelta;
    private int lossPercent;
    private boolean broken;
    private Miniupnpd miniupnpd;
    private InetAddress[] stunAccept;

    Router(NatType type, int index, String name, Netns ns, InetAddress wanAddress, InetAddress lanAddress,
           PortRange externalPorts, int portDelta) {
        this.type = type;
        this.index = index;
        this.name = name;
        this.ns = ns;
        this.wanAddress = wanAddress;
        this.lanAddress = lanAddress;
        this.externalPorts = externalPorts;
        this.portDelta = portDelta;
    }

    public NatType type() {
        return type;
    }

    /**
     * Which router of its type this is: 0 for the first (the one {@code bed.router(type)} returns), 1 for the second.
     * -1 for the home router of the LAN pair ({@link NatTestBed#homeRouter()}), which is not one of
     * {@code bed.router(type, i)}.
     */
    public int index() {
        return index;
    }

    /** The router's role in the bed, also its namespace suffix: {@code r-full}, {@code r-sym2}, {@code r-home}, ... */
    public String name() {
        return name;
    }

    /**
     * The external ports this router allocates new mappings from, for the symmetric types: the {@code R} of the
     * birthday estimate. {@link NatType#SYMMETRIC} picks uniformly at random in it ({@link PortRange#KERNEL_NAT_DEFAULT}
     * unless the bed was built with {@link NatTestBed.Builder#symmetricPortRange}); {@link NatType#SYMMETRIC_SEQUENTIAL}
     * walks it from {@code first()} in steps of {@link #portDelta()} and wraps. Empty for the port-preserving
     * cone routers.
     */
    public Optional<PortRange> externalPortRange() {
        return Optional.ofNullable(externalPorts);
    }

    /** For {@link NatType#SYMMETRIC_SEQUENTIAL}: the step between the external ports of consecutive new mappings. */
    public OptionalInt portDelta() {
        return type.portAllocation() == NatType.PortAllocation.SEQUENTIAL ? OptionalInt.of(portDelta) : OptionalInt.empty();
    }

    public String namespace() {
        return ns.name();
    }

    Netns netns() {
        return ns;
    }

    /** Public address: what the internet sees as the source of every client behind this router. */
    public InetAddress wanAddress() {
        return wanAddress;
    }

    /** The router's address on its LAN: the clients' default gateway. */
    public InetAddress lanAddress() {
        return lanAddress;
    }

    /** Drops {@code percent}% of forwarded packets (both directions), chosen at random per packet. */
    public synchronized void injectLoss(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss percent must be 0..100: " + percent);
        }
        lossPercent = percent;
        applyFaults();
    }

    public synchronized void clearLoss() {
        injectLoss(0);
    }

    /** Drops every forwarded packet, as if the uplink were unplugged; NAT state is kept. */
    public synchronized void breakLink() {
        broken = true;
        applyFaults();
    }

    public synchronized void restoreLink() {
        broken = false;
        applyFaults();
    }

    private void applyFaults() {
        ns.nft(NatRules.faultRules(lossPercent, broken));
    }

    /** Whether {@link #flushConntrack()} can work here (it needs the {@code conntrack} tool). */
    public static boolean canFlushConntrack() {
        return Netns.conntrackTool().isPresent();
    }

    /**
     * Forgets all NAT state, as a router reboot would: deletes the conntrack table with {@code conntrack -F}
     * (nftables cannot delete conntrack entries, so this needs the {@code conntrack} package) and empties the
     * cone mapping/permission sets, so the next outbound packet creates a fresh mapping. It does not rewind the
     * sequential router's port counter: the next mapping takes the next port in the sequence.
     */
    public void flushConntrack() {
        String conntrack = Netns.conntrackTool().orElseThrow(() -> new IllegalStateException(
                "flushConntrack needs the 'conntrack' tool (Debian package conntrack)"));
        StringBuilder sets = new StringBuilder();
        if (type.endpointIndependent()) {
            sets.append("flush map ip nat mappings\n");
        }
        if (type == NatType.RESTRICTED_CONE) {
            sets.append("flush set ip nat peers\n");
        }
        if (!sets.isEmpty()) {
            ns.nft(sets.toString());
        }
        // Flush after the sets so no packet in between re-creates a set entry for a dying conntrack.
        ExecResult r = ns.exec(conntrack, "-F");
        if (!r.ok() && !r.stderr().contains("0 flow entries")) {
            r.orThrow();
        }
    }

    /**
     * Forgets only the conntrack entries whose reply comes from LAN port {@code internalPort} ({@code protocol} udp
     * or tcp): the inbound flows a port forwarding to that port admitted (and outbound flows from that port). Other
     * flows, e.g. a LAN host's TCP connection to a server, keep their NAT state. Needs the {@code conntrack} tool.
     */
    public void deleteConntrack(String protocol, int internalPort) {
        String conntrack = Netns.conntrackTool().orElseThrow(() -> new IllegalStateException(
                "deleteConntrack needs the 'conntrack' tool (Debian package conntrack)"));
        ExecResult r = ns.exec(conntrack, "-D", "-p", protocol.toLowerCase(java.util.Locale.ROOT),
                "--reply-port-src", String.valueOf(internalPort));
        if (!r.ok() && !r.stderr().contains("0 flow entries")) {
            r.orThrow();
        }
    }

    /** The LAN as {@code a.b.c.0/24}. */
    public String lanSubnet() {
        byte[] a = lanAddress.getAddress();
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24";
    }

    /**
     * Starts miniupnpd on this router (UPnP IGD, NAT-PMP and PCP as {@code config} says) and returns once it
     * serves; close the result to stop it. A STUN server must already run at {@code config.stunServer()} (e.g.
     * {@code Coturn.startStunServer(bed.server())}): miniupnpd only forwards once STUN told it its public address
     * (our WAN addresses are TEST-NET, which it treats as private). The first start adapts the router's rules
     * (see {@code docs/portmap.md}): {@code table inet filter} gets miniupnpd's chain {@code miniupnpd} and the
     * forward chain jumps to it; the input chain accepts the STUN server's answers (RFC 5780 CHANGE-REQUEST answers
     * come from the other address/port and would otherwise be dropped as unsolicited, making miniupnpd believe it
     * sits behind a filtering NAT); a table {@code inet miniupnpd} holds its DNAT / SNAT chains. On routers without
     * cone DNAT (port-restricted, symmetric) the forward chain's blanket {@code ct status dnat accept} is removed, so
     * miniupnpd's own filter rule is what admits inbound traffic, as on a real gateway; on the full and restricted
     * cone routers it must stay (their cone DNAT needs it), so there deleting miniupnpd's filter rule does not stop
     * forwarding.
     */
    public synchronized Miniupnpd startMiniupnpd(MiniupnpdConfig config) {
        if (miniupnpd != null && miniupnpd.process() != null) {
            throw new IllegalStateException("miniupnpd already runs on " + this);
        }
        Miniupnpd.availability().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        prepareMiniupnpdRules(config);
        Miniupnpd m = new Miniupnpd(this, ns, config);
        m.start();
        miniupnpd = m;
        return m;
    }

    /** The miniupnpd started on this router, if any. */
    public synchronized java.util.Optional<Miniupnpd> miniupnpd() {
        return java.util.Optional.ofNullable(miniupnpd);
    }

    private void prepareMiniupnpdRules(MiniupnpdConfig config) {
        boolean prepared = ns.nftCommand("list", "chain", "inet", "filter", Miniupnpd.FORWARD_CHAIN).ok();
        if (prepared) {
            return;
        }
        String forward = ns.nftCommand("-a", "list", "chain", "inet", "filter", "forward").orThrow().stdout();
        java.util.regex.Matcher dnat = java.util.regex.Pattern.compile("ct status dnat accept # handle (\\d+)").matcher(forward);
        if (!dnat.find()) {
            throw new IllegalStateException("unexpected forward chain on " + this + ":\n" + forward);
        }
        String handle = dnat.group(1);
        boolean coneDnat = type == NatType.FULL_CONE || type == NatType.RESTRICTED_CONE;
        StringBuilder s = new StringBuilder()
                .append("add chain inet filter ").append(Miniupnpd.FORWARD_CHAIN).append('\n')
                .append("insert rule inet filter forward handle ").append(handle).append(" jump ")
                .append(Miniupnpd.FORWARD_CHAIN).append('\n');
        if (!coneDnat) {
            s.append("delete rule inet filter forward handle ").append(handle).append('\n');
        }
        s.append("insert rule inet filter input iifname \"").append(NatRules.WAN_IF).append("\" ip saddr { ")
                .append(config.stunServer().getHostAddress()).append(", ").append(config.stunAlternate().getHostAddress())
                .append(" } udp sport { ").append(config.stunPort()).append(", ").append(config.stunPort() + 1)
                .append(" } accept\n");
        s.append("""
                table inet %1$s {
                  chain %2$s {
                  }
                  chain %3$s {
                  }
                  chain prerouting {
                    type nat hook prerouting priority dstnat - 5; policy accept;
                    jump %2$s
                  }
                  chain postrouting {
                    type nat hook postrouting priority srcnat - 5; policy accept;
                    jump %3$s
                  }
                }
                """.formatted(Miniupnpd.NAT_TABLE, Miniupnpd.PREROUTING_CHAIN, Miniupnpd.POSTROUTING_CHAIN));
        ns.nft(s.toString());
    }

    /**
     * Fault (c): gives the router a new WAN address (same /24, e.g. 203.0.113.201), as an ISP's new DHCP lease
     * would: replaces the address on {@code wan0}, rewrites the NAT table for it, forgets conntrack state and, if
     * miniupnpd runs, makes it re-learn its public address by STUN (SIGUSR1). Existing DNAT rules of miniupnpd stay
     * (they match on the interface), so mappings keep their ports under the new address.
     */
    public synchronized void changeWanAddress(InetAddress newAddress) {
        InetAddress old = wanAddress;
        ns.ip("addr", "del", old.getHostAddress() + "/24", "dev", NatRules.WAN_IF);
        ns.ip("addr", "add", newAddress.getHostAddress() + "/24", "dev", NatRules.WAN_IF);
        String full = NatRules.ruleset(type, newAddress.getHostAddress(), lanSubnet(),
                externalPorts == PortRange.KERNEL_NAT_DEFAULT ? null : externalPorts, portDelta);
        String nat = full.substring(full.indexOf("table ip nat {"));
        ns.nft("delete table ip nat\n" + nat);
        wanAddress = newAddress;
        if (canFlushConntrack()) {
            flushConntrack();
        }
        if (miniupnpd != null) {
            miniupnpd.signalAddressChange();
        }
    }

    /** Runs a command in the router's namespace, e.g. {@code nft list ruleset} when debugging. */
    public ExecResult exec(Duration timeout, String... command) {
        return Shell.run(timeout, ns.wrap(Arrays.asList(command)), null);
    }

    /** The router's current nftables ruleset, including live mappings. */
    public String ruleset() {
        return ns.nftCommand("list", "ruleset").orThrow().stdout();
    }

    @Override
    public String toString() {
        String id = index < 0 ? name + " " + type : type + (index == 0 ? "" : "#" + index);
        return "router-" + id + "[" + ns.name() + " wan " + wanAddress.getHostAddress() + "]";
    }
}
