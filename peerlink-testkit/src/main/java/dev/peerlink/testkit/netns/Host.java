package dev.peerlink.testkit.netns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A machine of the fake internet: one network namespace with one primary IPv4 address. */
public class Host {
    private final String name;
    private final Netns ns;
    private final InetAddress address;
    private final HostKind kind;
    private final String label;
    private final Wire peer;
    private int lossPercent;
    private boolean faultTable;
    private volatile InetAddress ipv6Address;

    /** The far end of a host's veth pair: its port on the internet bridge or on its router's LAN bridge. */
    record Wire(Netns ns, String device) {
    }

    Host(String name, Netns ns, InetAddress address, HostKind kind, String label, Wire peer) {
        this.peer = java.util.Objects.requireNonNull(peer);
        this.name = name;
        this.ns = ns;
        this.address = address;
        this.kind = java.util.Objects.requireNonNull(kind);
        this.label = java.util.Objects.requireNonNull(label);
    }

    /** Role name within the bed, e.g. {@code server} or {@code client-full-cone}. */
    public String name() {
        return name;
    }

    /** What kind of host this is (open, firewalled, behind which NAT, ...), e.g. for printing matrix results. */
    public HostKind kind() {
        return kind;
    }

    /**
     * Short printable name: the {@link HostKind#label() kind label}, with {@code #1} for the second host of a kind
     * (e.g. {@code full-cone}, {@code full-cone#1}, {@code open#1}, {@code lan-pc}).
     */
    public String label() {
        return label;
    }

    /** Name of the network namespace, for {@code ip netns exec <namespace> ...}. */
    public String namespace() {
        return ns.name();
    }

    /**
     * Primary IPv4 address (for a NATed client: its private LAN address); for the IPv6-only host
     * ({@link NatTestBed#ipv6OnlyHost()}) its IPv6 address.
     */
    public InetAddress address() {
        return address;
    }

    /**
     * The host's global IPv6 address (2001:db8::/32) in a bed built with {@link NatTestBed.Builder#ipv6()}; empty on
     * hosts without IPv6 (every host of a bed built without it).
     */
    public java.util.Optional<InetAddress> ipv6Address() {
        return java.util.Optional.ofNullable(ipv6Address);
    }

    void ipv6Address(InetAddress address) {
        this.ipv6Address = address;
    }

    /** Runs a command inside this host and waits for it to finish (killed after {@code timeout}). */
    public ExecResult exec(Duration timeout, String... command) {
        return Shell.run(timeout, ns.wrap(Arrays.asList(command)), null);
    }

    /** Starts a long-running command inside this host; close the result to kill it. */
    public HostProcess start(List<String> command) {
        return new HostProcess(name + ":" + (command.isEmpty() ? "" : command.get(0)), ns.wrap(command));
    }

    /** Convenience for {@link #start(List)}. */
    public HostProcess start(String... command) {
        return start(Arrays.asList(command));
    }

    /**
     * A command that runs {@code mainClass} from the current test classpath with the current JVM, for
     * {@link #start(List)}: lets tests run our own Java programs inside a host.
     */
    public List<String> javaCommand(String mainClass, String... args) {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Client VM flags: these are short programs, so start-up time matters more than peak speed.
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /**
     * Drops {@code percent}% of the IPv4 packets this host receives or sends over its link, chosen at random per
     * packet, as a lossy wire would: {@code meta protocol ip numgen random mod 100 < N counter drop} (a plain
     * {@code drop} for 100) in {@code netdev} ingress chains on both ends of the host's veth pair, {@code eth0}
     * inside the host (inbound) and its peer port on the internet bridge or router LAN (outbound). Dropping
     * outbound packets on the far end matters: a drop in the host's own output hook would fail the sender's
     * {@code send()} with EPERM instead of losing the packet silently. ARP is never dropped (a lost ARP exchange
     * would stall for seconds, not model loss). For hosts without a router of their own (open, firewalled, the
     * server); behind a router {@link Router#injectLoss} drops on the forwarded path. A round trip survives with
     * (1-N/100)².
     */
    public synchronized void injectLoss(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss percent must be 0..100: " + percent);
        }
        if (percent == 0 && !faultTable) {
            return;
        }
        wireLoss(ns, "eth0", percent);
        wireLoss(peer.ns(), peer.device(), percent);
        faultTable = true;
        lossPercent = percent;
    }

    /** (Re)writes the netdev ingress loss chain of {@code device}, creating its table on first use. */
    private void wireLoss(Netns where, String device, int percent) {
        String table = "fault_" + device.replace('-', '_');
        StringBuilder s = new StringBuilder();
        if (!faultTable) {
            s.append("""
                    table netdev %s {
                      chain ingress {
                        type filter hook ingress device "%s" priority -500; policy accept;
                      }
                    }
                    """.formatted(table, device));
        }
        s.append("flush chain netdev ").append(table).append(" ingress\n");
        if (percent > 0) {
            s.append("add rule netdev ").append(table).append(" ingress meta protocol ip ")
                    .append(NatRules.lossMatch(percent)).append("counter drop\n");
        }
        where.nft(s.toString());
    }

    /** Stops {@link #injectLoss}. */
    public synchronized void clearLoss() {
        injectLoss(0);
    }

    /** The loss percentage set by {@link #injectLoss} (0 when none). */
    public synchronized int lossPercent() {
        return lossPercent;
    }

    Netns netns() {
        return ns;
    }

    @Override
    public String toString() {
        return name + "[" + ns.name() + " " + address.getHostAddress() + "]";
    }
}
