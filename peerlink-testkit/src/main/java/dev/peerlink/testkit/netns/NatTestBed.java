package dev.peerlink.testkit.netns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fake internet with real Linux NAT, built from network namespaces, veth pairs and nftables.
 *
 * <pre>
 *                          internet namespace: bridge br0, 203.0.113.0/24
 *   server 203.0.113.10 + .11   open 203.0.113.20   firewalled 203.0.113.30
 *   router FULL_CONE .101  RESTRICTED_CONE .102  PORT_RESTRICTED_CONE .103  SYMMETRIC .104
 *          SYMMETRIC_SEQUENTIAL .105  second SYMMETRIC (index 1) .106
 *      each router: LAN bridge lan0 10.0.N.1/24, client 10.0.N.2 (N = 1..6 in that order)
 *      PORT_RESTRICTED_CONE LAN also has the second client 10.0.3.3
 * </pre>
 *
 * Public hosts share one subnet and need no routes; clients route via their router. Use one bed per test class
 * (building it takes about a second); {@link #close()} deletes every namespace and kills processes left in them.
 * {@link #start()} builds the default bed; {@link #builder()} sets the symmetric routers' port ranges.
 */
public final class NatTestBed implements AutoCloseable {
    /** Public addresses; TEST-NET-3, never routed on the real internet. */
    public static final String SERVER_PRIMARY = "203.0.113.10";
    public static final String SERVER_ALTERNATE = "203.0.113.11";
    public static final String OPEN_HOST = "203.0.113.20";
    public static final String FIREWALLED_HOST = "203.0.113.30";
    private static final int PUBLIC_PREFIX = 24;
    /** Default ports of the {@link NatType#SYMMETRIC_SEQUENTIAL} router: 40000, 40001, ..., 49999, then 40000 again. */
    public static final PortRange DEFAULT_SEQUENTIAL_PORTS = new PortRange(40000, 49999);
    /** How many routers (each with its own client and LAN) the bed builds per type: two symmetric, one of the others. */
    private static final Map<NatType, Integer> SITES = Map.of(NatType.SYMMETRIC, 2);

    private static volatile Optional<String> availability;

    private final BedNames names = new BedNames();
    private final List<String> namespaces = new ArrayList<>();
    private final Map<NatType, List<Router>> routers = new EnumMap<>(NatType.class);
    private final Map<NatType, List<Host>> clients = new EnumMap<>(NatType.class);
    private final List<Router> allRouters = new ArrayList<>();
    private final Builder options;
    private final Thread shutdownHook = new Thread(this::destroyAll, "nat-test-bed-cleanup");
    private Netns internet;
    private ServerHost server;
    private Host openHost;
    private Host firewalledHost;
    private Host secondClient;
    private boolean closed;

    private NatTestBed(Builder options) {
        this.options = options;
    }

    /** Options for a bed other than the default one; {@code NatTestBed.builder().start()} equals {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Bed options: the external port ranges of the symmetric routers (the birthday formula's {@code R}). */
    public static final class Builder {
        private PortRange symmetricPorts;
        private PortRange sequentialPorts = DEFAULT_SEQUENTIAL_PORTS;
        private int sequentialDelta = 1;

        private Builder() {
        }

        /**
         * Both {@link NatType#SYMMETRIC} routers pick their random external ports from {@code range}
         * ({@code masquerade to :first-last fully-random}) instead of the kernel's default
         * {@link PortRange#KERNEL_NAT_DEFAULT}, so a birthday benchmark can use a known, smaller {@code R}.
         */
        public Builder symmetricPortRange(PortRange range) {
            this.symmetricPorts = java.util.Objects.requireNonNull(range);
            return this;
        }

        /**
         * The {@link NatType#SYMMETRIC_SEQUENTIAL} router hands out {@code range.first()}, {@code + delta}, ...
         * up to {@code range.last()}, then wraps to {@code range.first()}. Default {@link #DEFAULT_SEQUENTIAL_PORTS}, 1.
         */
        public Builder sequentialPorts(PortRange range, int delta) {
            if (delta < 1 || delta > range.size()) {
                throw new IllegalArgumentException("delta must be 1.." + range.size() + ": " + delta);
            }
            this.sequentialPorts = java.util.Objects.requireNonNull(range);
            this.sequentialDelta = delta;
            return this;
        }

        /** Builds the bed, see {@link NatTestBed#start()}. */
        public NatTestBed start() {
            return NatTestBed.start(this);
        }
    }

    /**
     * Why the bed cannot run on this machine, or empty if it can: needs Linux, root, {@code ip}, {@code nft} and
     * {@code sysctl}, and permission to create a namespace and load nftables rules in it. Checked once per JVM.
     */
    public static Optional<String> availability() {
        Optional<String> a = availability;
        if (a == null) {
            synchronized (NatTestBed.class) {
                if (availability == null) {
                    availability = probe();
                }
                a = availability;
            }
        }
        return a;
    }

    private static Optional<String> probe() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("network namespaces need Linux, this is " + System.getProperty("os.name"));
        }
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            if (!status.lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
                return Optional.of("not running as root (the bed creates network namespaces and nftables rules)");
            }
        } catch (IOException e) {
            return Optional.of("cannot read /proc/self/status: " + e);
        }
        for (String tool : List.of("ip", "nft", "sysctl")) {
            if (Tools.find(tool).isEmpty()) {
                return Optional.of("'" + tool + "' not found (install iproute2 / nftables / procps)");
            }
        }
        String probeName = BedNames.PREFIX + ProcessHandle.current().pid() + "-0-probe";
        try {
            ExecResult add = Shell.run(List.of(Tools.require("ip"), "netns", "add", probeName));
            if (!add.ok()) {
                return Optional.of("cannot create a network namespace: " + add.stderr().strip());
            }
            Netns ns = new Netns(probeName);
            ExecResult nft = ns.nftCommand("add", "table", "inet", "probe");
            if (!nft.ok()) {
                return Optional.of("cannot load nftables rules in a namespace: " + nft.stderr().strip());
            }
            return Optional.empty();
        } finally {
            Netns.destroy(probeName);
        }
    }

    /** Builds the whole topology; throws (after cleaning up) if any step fails. */
    public static NatTestBed start() {
        return start(builder());
    }

    private static NatTestBed start(Builder options) {
        availability().ifPresent(reason -> {
            throw new IllegalStateException("NAT test bed unavailable: " + reason);
        });
        removeStaleBeds();
        NatTestBed bed = new NatTestBed(options);
        Runtime.getRuntime().addShutdownHook(bed.shutdownHook);
        try {
            bed.build();
            return bed;
        } catch (RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    /** Deletes namespaces left by beds whose JVM died without closing them (kill -9, crash). */
    static void removeStaleBeds() {
        for (String ns : Netns.listAll()) {
            if (BedNames.isStale(ns)) {
                Netns.destroy(ns);
            }
        }
    }

    private void build() {
        internet = newNamespace("inet", false);
        internet.ip("link", "add", "br0", "type", "bridge");
        internet.ip("link", "set", "br0", "up");

        Netns serverNs = newPublicHost("server", "server", SERVER_PRIMARY);
        serverNs.ip("addr", "add", SERVER_ALTERNATE + "/" + PUBLIC_PREFIX, "dev", "eth0");
        server = new ServerHost("server", serverNs, addr(SERVER_PRIMARY), addr(SERVER_ALTERNATE));

        openHost = new Host("open", newPublicHost("open", "open", OPEN_HOST), addr(OPEN_HOST));

        Netns fwNs = newPublicHost("firewalled", "fw", FIREWALLED_HOST);
        fwNs.nft("""
                table inet filter {
                  chain input {
                    type filter hook input priority filter; policy drop;
                    iif "lo" accept
                    # Only answers to what this host sent itself get in.
                    ct state established,related accept
                  }
                }
                """);
        firewalledHost = new Host("firewalled", fwNs, addr(FIREWALLED_HOST));

        // Sites are numbered in this order, so the addresses of the original four routers never change.
        int n = 1;
        for (int index = 0; index < 2; index++) {
            for (NatType type : NatType.values()) {
                if (index < SITES.getOrDefault(type, 1)) {
                    buildNatSite(type, index, n++);
                }
            }
        }
    }

    /** A router with WAN .100+n on the internet bridge, LAN 10.0.n.0/24 and client 10.0.n.2. */
    private void buildNatSite(NatType type, int index, int n) {
        // Short tag: it is part of interface names, which Linux limits to 15 characters.
        String role = switch (type) {
            case FULL_CONE -> "full";
            case RESTRICTED_CONE -> "restr";
            case PORT_RESTRICTED_CONE -> "portr";
            case SYMMETRIC -> "sym";
            case SYMMETRIC_SEQUENTIAL -> "seq";
        } + (index == 0 ? "" : String.valueOf(index + 1));
        String hostName = "client-" + type.name().toLowerCase().replace('_', '-') + (index == 0 ? "" : "#" + index);
        String wan = "203.0.113." + (100 + n);
        String lan = "10.0." + n + ".1";
        Netns r = newNamespace("r-" + role, true);
        link(internet, "r-" + role, r, NatRules.WAN_IF, wan + "/" + PUBLIC_PREFIX);
        internet.ip("link", "set", "r-" + role, "master", "br0");
        r.ip("link", "add", NatRules.LAN_IF, "type", "bridge");
        r.ip("addr", "add", lan + "/24", "dev", NatRules.LAN_IF);
        r.ip("link", "set", NatRules.LAN_IF, "up");
        PortRange ports = switch (type.portAllocation()) {
            case PRESERVING -> null;
            case RANDOM -> options.symmetricPorts;
            case SEQUENTIAL -> options.sequentialPorts;
        };
        r.nft(NatRules.ruleset(type, wan, "10.0." + n + ".0/24", ports, options.sequentialDelta));
        Router router = new Router(type, index, r, addr(wan), addr(lan),
                ports == null && type.portAllocation() == NatType.PortAllocation.RANDOM ? PortRange.KERNEL_NAT_DEFAULT : ports,
                options.sequentialDelta);
        routers.computeIfAbsent(type, t -> new ArrayList<>()).add(router);
        allRouters.add(router);

        clients.computeIfAbsent(type, t -> new ArrayList<>())
                .add(newLanClient(r, hostName, "c-" + role, "lan-c1", "10.0." + n + ".2", lan));
        if (type == NatType.PORT_RESTRICTED_CONE) {
            secondClient = newLanClient(r, hostName + "-2", "c2-" + role, "lan-c2", "10.0." + n + ".3", lan);
        }
    }

    private Host newLanClient(Netns router, String hostName, String role, String routerPort, String address,
                              String gateway) {
        Netns c = newNamespace(role, false);
        link(router, routerPort, c, "eth0", address + "/24");
        router.ip("link", "set", routerPort, "master", NatRules.LAN_IF);
        c.ip("route", "add", "default", "via", gateway);
        return new Host(hostName, c, addr(address));
    }

    private Netns newPublicHost(String role, String port, String address) {
        Netns ns = newNamespace(role, false);
        link(internet, port, ns, "eth0", address + "/" + PUBLIC_PREFIX);
        internet.ip("link", "set", port, "master", "br0");
        return ns;
    }

    private Netns newNamespace(String role, boolean router) {
        String name = names.namespace(role);
        namespaces.add(name); // recorded first so close() removes it even if creation fails half way
        Netns ns = Netns.create(name);
        List<String> sysctls = new ArrayList<>(List.of(
                // IPv6 link-local chatter (DAD, router solicitations) would only add noise to the captures.
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"));
        if (router) {
            // Routers forward; reverse-path filtering could drop hairpinned or asymmetric packets, so it is off.
            sysctls.addAll(List.of("net.ipv4.ip_forward=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    // A hairpinned packet leaves through the interface it came in on (lan0), for which Linux would
                    // send the LAN host an ICMP redirect ("use <inside peer> as gateway"). A NAT box must not.
                    "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"));
        }
        ns.sysctl(sysctls.toArray(String[]::new));
        if (router) {
            // If the host has br_netfilter loaded (Docker, Kubernetes, ...), every new namespace starts with
            // bridge-nf-call-*=1: frames crossing the LAN bridge lan0 run the IP hooks while still being bridged,
            // so the hairpin DNAT happens at layer 2 and the bridge, seeing the new destination behind the port
            // the frame came in on, drops it (no hairpin mode on bridge ports). A client could then never reach its
            // own host's mapping. Switching it off makes the router route LAN traffic like any NAT box, whether
            // the module is loaded or not (without it the keys do not exist, hence sysctlIfPresent).
            ns.sysctlIfPresent("net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0",
                    "net.bridge.bridge-nf-call-arptables=0");
        }
        return ns;
    }

    /**
     * A veth pair created directly in its two namespaces (never in the root namespace, so names cannot clash with
     * other runs); {@code bIf} gets {@code bAddress} and both ends come up.
     */
    private static void link(Netns a, String aIf, Netns b, String bIf, String bAddress) {
        a.ip("link", "add", aIf, "type", "veth", "peer", "name", bIf, "netns", b.name());
        a.ip("link", "set", aIf, "up");
        b.ip("addr", "add", bAddress, "dev", bIf);
        b.ip("link", "set", bIf, "up");
    }

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The public STUN/rendezvous server with two addresses. */
    public ServerHost server() {
        return server;
    }

    /** A public host without any filtering. */
    public Host openHost() {
        return openHost;
    }

    /** A public host whose input firewall drops everything it did not ask for. */
    public Host firewalledHost() {
        return firewalledHost;
    }

    /** The (first) client behind the (first) router of {@code type}; same as {@code client(type, 0)}. */
    public Host client(NatType type) {
        return client(type, 0);
    }

    /**
     * The client behind router {@code index} of {@code type}: index 0 exists for every type, index 1 for
     * {@link NatType#SYMMETRIC} (a second symmetric NAT with its own WAN address and LAN, e.g. for relaying
     * between two symmetric peers). See {@link #routerCount(NatType)}.
     */
    public Host client(NatType type, int index) {
        return site(clients, type, index);
    }

    /** A second client on the PORT_RESTRICTED_CONE LAN (same-LAN and hairpinning tests). */
    public Host secondClient() {
        return secondClient;
    }

    /** The (first) router of {@code type}; same as {@code router(type, 0)}. */
    public Router router(NatType type) {
        return router(type, 0);
    }

    /** Router {@code index} of {@code type}; see {@link #client(NatType, int)}. */
    public Router router(NatType type, int index) {
        return site(routers, type, index);
    }

    /** How many routers of {@code type} the bed has (2 for {@link NatType#SYMMETRIC}, else 1). */
    public int routerCount(NatType type) {
        return routers.getOrDefault(type, List.of()).size();
    }

    /** Every router of the bed, in build order (WAN .101 upwards). */
    public List<Router> routers() {
        return List.copyOf(allRouters);
    }

    private static <T> T site(Map<NatType, List<T>> sites, NatType type, int index) {
        List<T> list = sites.getOrDefault(type, List.of());
        if (index < 0 || index >= list.size()) {
            throw new IllegalArgumentException("the bed has " + list.size() + " " + type + " router(s), no index " + index);
        }
        return list.get(index);
    }

    /** Names of all namespaces of this bed, e.g. for {@code ip netns exec} while debugging. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** Deletes every namespace of the bed (killing processes left inside); idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // Already shutting down (or hook never registered): the hook itself does the cleanup.
        }
    }

    private void destroyAll() {
        // Also catches namespaces whose creation failed after 'ip netns add' succeeded.
        for (String ns : Netns.listAll()) {
            if (names.owns(ns)) {
                Netns.destroy(ns);
            }
        }
    }
}
