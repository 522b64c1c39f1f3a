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
    private final Netns ns;
    private final InetAddress wanAddress;
    private final InetAddress lanAddress;
    private final PortRange externalPorts;
    private final int portDelta;
    private int lossPercent;
    private boolean broken;

    Router(NatType type, int index, Netns ns, InetAddress wanAddress, InetAddress lanAddress,
           PortRange externalPorts, int portDelta) {
        this.type = type;
        this.index = index;
        this.ns = ns;
        this.wanAddress = wanAddress;
        this.lanAddress = lanAddress;
        this.externalPorts = externalPorts;
        this.portDelta = portDelta;
    }

    public NatType type() {
        return type;
    }

    /** Which router of its type this is: 0 for the first (the one {@code bed.router(type)} returns), 1 for the second. */
    public int index() {
        return index;
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
        return "router-" + type + (index == 0 ? "" : "#" + index) + "[" + ns.name() + " wan " + wanAddress.getHostAddress() + "]";
    }
}
