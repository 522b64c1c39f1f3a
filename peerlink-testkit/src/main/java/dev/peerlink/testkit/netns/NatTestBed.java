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
 *   only with builder().matrix(): open#1 203.0.113.21, firewalled#1 203.0.113.31,
 *      second routers FULL_CONE .107 RESTRICTED_CONE .108 PORT_RESTRICTED_CONE .109 SYMMETRIC_SEQUENTIAL .110
 *      (LAN 10.0.7-10.0.10, client .2), home router (full cone) .111 with LAN 10.0.11.0/24:
 *      phone 10.0.11.2 (accepts inbound), pc 10.0.11.3 (input firewall like the firewalled host)
 * </pre>
 *
 * Public hosts share one subnet and need no routes; clients route via their router. Use one bed per test class
 * (building it takes about a second); {@link #close()} deletes every namespace and kills processes left in them.
 * {@link #start()} builds the default bed; {@link #builder()} sets the symmetric routers' port ranges and
 * {@link Builder#matrix()} adds the second host of every kind for the connection matrix ({@link #matrixHosts()}).
 */
public final class NatTestBed implements AutoCloseable {
    /** Public addresses; TEST-NET-3, never routed on the real internet. */
    public static final String SERVER_PRIMARY = "203.0.113.10";
    public static final String SERVER_ALTERNATE = "203.0.113.11";
    public static final String OPEN_HOST = "203.0.113.20";
    public static final String FIREWALLED_HOST = "203.0.113.30";
    /** Matrix bed only: the second open host ({@code openHost(1)}). */
    public static final String OPEN_HOST_2 = "203.0.113.21";
    /** Matrix bed only: the second firewalled host ({@code firewalledHost(1)}). */
    public static final String FIREWALLED_HOST_2 = "203.0.113.31";
    /** Hostile bed only: the public host the proxy-only network may reach ({@code proxyHost()}). */
    public static final String PROXY_HOST = "203.0.113.40";
    /** IPv6 bed only ({@link Builder#ipv6()}): the server's addresses, the open and the firewalled host's. */
    public static final String SERVER_PRIMARY6 = "2001:db8::10";
    public static final String SERVER_ALTERNATE6 = "2001:db8::11";
    public static final String OPEN_HOST6 = "2001:db8::20";
    public static final String FIREWALLED_HOST6 = "2001:db8::30";
    private static final int PUBLIC_PREFIX = 24;
    /** Default ports of the {@link NatType#SYMMETRIC_SEQUENTIAL} router: 40000, 40001, ..., 49999, then 40000 again. */
    public static final PortRange DEFAULT_SEQUENTIAL_PORTS = new PortRange(40000, 49999);
    /** How many routers (each with its own client and LAN) the bed builds per type: two symmetric, one of the others. */
    private static final Map<NatType, Integer> SITES = Map.of(NatType.SYMMETRIC, 2);
    /** How many routers of each type a {@link Builder#matrix()} bed has. */
    private static final int MATRIX_SITES = 2;
    /** Input firewall of the firewalled hosts and the LAN pc: only answers to what the host sent get in. */
    private static final String HOST_FIREWALL = """
            table inet filter {
              chain input {
                type filter hook input priority filter; policy drop;
                iif "lo" accept
                # Only answers to what this host sent itself get in.
                ct state established,related accept
              }
            }
            """;

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
    private final List<Host> openHosts = new ArrayList<>();
    private final List<Host> firewalledHosts = new ArrayList<>();
    private Host secondClient;
    private Router homeRouter;
    private Host lanPhone;
    private Host lanPc;
    private Host udpBlocked;
    private Host proxyHost;
    private Host proxyOnly;
    private Ipv6Sites.Built ipv6;
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
        private boolean matrix;
        private boolean hostile;
        private boolean ipv6;

        private Builder() {
        }

        /**
         * Also builds IPv6 (documentation prefix 2001:db8::/32), after everything else and without changing it:
         * the server ({@value NatTestBed#SERVER_PRIMARY6}, {@value NatTestBed#SERVER_ALTERNATE6}), the open host
         * ({@value NatTestBed#OPEN_HOST6}) and the firewalled host ({@value NatTestBed#FIREWALLED_HOST6}) become
         * dual-stack; two dual-stack home sites ({@link NatTestBed#dualStackHost(int)}: IPv4 NATed, IPv6 routed to
         * the LAN behind a stateful firewall that drops unsolicited inbound) and an IPv6-only site
         * ({@link NatTestBed#ipv6OnlyHost()}) are added. Without it every namespace has IPv6 disabled.
         */
        public Builder ipv6() {
            this.ipv6 = true;
            return this;
        }

        /**
         * Also builds what the connection matrix needs, after (and without changing) everything of the default
         * bed: a second router with its own client for every {@link NatType} (so far only {@code SYMMETRIC} has
         * two), a second open and a second firewalled host, and the home LAN pair (a full-cone home router with
         * {@link NatTestBed#lanPhone()} and {@link NatTestBed#lanPc()}). 30 namespaces instead of 17.
         */
        public Builder matrix() {
            this.matrix = true;
            return this;
        }

        /**
         * Also builds the hostile networks (issue 18), after everything else: a UDP-blocked site (a port-restricted
         * cone router that drops all UDP, {@link NatTestBed#udpBlockedHost()}), a public proxy host
         * ({@value NatTestBed#PROXY_HOST}, {@link NatTestBed#proxyHost()}) and a proxy-only site whose router forwards
         * nothing but TCP to that host's port {@value HostileRules#PROXY_PORT} ({@link NatTestBed#proxyOnlyHost()}).
         */
        public Builder hostile() {
            this.hostile = true;
            return this;
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
        server = new ServerHost("server", serverNs, addr(SERVER_PRIMARY), addr(SERVER_ALTERNATE),
                new Host.Wire(internet, "server"));

        buildOpenHost(0, "open", "open", OPEN_HOST);
        buildFirewalledHost(0, "firewalled", "fw", FIREWALLED_HOST);

        // Sites are numbered in this order, so the addresses of the original four routers never change.
        int n = 1;
        for (int index = 0; index < 2; index++) {
            for (NatType type : NatType.values()) {
                if (index < SITES.getOrDefault(type, 1)) {
                    buildNatSite(type, index, n++);
                }
            }
        }
        if (options.matrix) {
            // Everything of the matrix takes numbers after the default bed's, so no default address moves.
            buildOpenHost(1, "open2", "open2", OPEN_HOST_2);
            buildFirewalledHost(1, "firewalled2", "fw2", FIREWALLED_HOST_2);
            for (NatType type : NatType.values()) {
                for (int index = SITES.getOrDefault(type, 1); index < MATRIX_SITES; index++) {
                    buildNatSite(type, index, n++);
                }
            }
            buildHomeLan(n++);
        }
        if (options.hostile) {
            udpBlocked = buildHostileSite("udpb", HostKind.UDP_BLOCKED, n++, HostileRules.udpBlocked());
            proxyHost = new Host("proxy", newPublicHost("proxy", "proxy", PROXY_HOST), addr(PROXY_HOST), HostKind.PROXY,
                    HostKind.PROXY.label(), new Host.Wire(internet, "proxy"));
            proxyOnly = buildHostileSite("proxy", HostKind.PROXY_ONLY, n++, HostileRules.proxyOnly(PROXY_HOST));
        }
        if (options.ipv6) {
            ipv6 = new Ipv6Sites(this, options.sequentialDelta).build(n);
        }
    }

    /** A port-restricted cone site (WAN .100+n, LAN 10.0.n.0/24, client .2) whose router also loads {@code extra}. */
    private Host buildHostileSite(String role, HostKind kind, int n, String extra) {
        String wan = "203.0.113." + (100 + n);
        String lan = "10.0." + n + ".1";
        Netns r = newRouter("r-" + role, "r-" + role, wan, lan);
        r.nft(NatRules.ruleset(NatType.PORT_RESTRICTED_CONE, wan, "10.0." + n + ".0/24", null, options.sequentialDelta));
        r.nft(extra);
        return newLanClient(r, "client-" + kind.label(), "c-" + role, "lan-c1", "10.0." + n + ".2", lan, kind, kind.label());
    }

    private void buildOpenHost(int index, String role, String port, String address) {
        openHosts.add(new Host(index == 0 ? "open" : "open#" + index, newPublicHost(role, port, address),
                addr(address), HostKind.OPEN, label(HostKind.OPEN, index), new Host.Wire(internet, port)));
    }

    private void buildFirewalledHost(int index, String role, String port, String address) {
        Netns ns = newPublicHost(role, port, address);
        ns.nft(HOST_FIREWALL);
        firewalledHosts.add(new Host(index == 0 ? "firewalled" : "firewalled#" + index, ns, addr(address),
                HostKind.FIREWALLED, label(HostKind.FIREWALLED, index), new Host.Wire(internet, port)));
    }

    private static String label(HostKind kind, int index) {
        return kind.label() + (index == 0 ? "" : "#" + index);
    }

    /**
     * Seed 000's case: a full-cone home router (WAN .100+n, LAN 10.0.n.0/24) with two hosts, the phone (.2, no
     * filtering) and the pc (.3, the firewalled host's input firewall). Its own router, so loss injected for the
     * LAN pair or state flushed on it does not touch any matrix host.
     */
    private void buildHomeLan(int n) {
        String wan = "203.0.113." + (100 + n);
        String lan = "10.0." + n + ".1";
        Netns r = newRouter("r-home", "r-home", wan, lan);
        r.nft(NatRules.ruleset(NatType.FULL_CONE, wan, "10.0." + n + ".0/24", null, options.sequentialDelta));
        homeRouter = new Router(NatType.FULL_CONE, -1, "r-home", r, addr(wan), addr(lan), null, options.sequentialDelta);
        lanPhone = newLanClient(r, "lan-phone", "phone", "lan-phone", "10.0." + n + ".2", lan,
                HostKind.LAN_PHONE, HostKind.LAN_PHONE.label());
        lanPc = newLanClient(r, "lan-pc", "pc", "lan-pc", "10.0." + n + ".3", lan,
                HostKind.LAN_PC, HostKind.LAN_PC.label());
        lanPc.netns().nft(HOST_FIREWALL);
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
        Netns r = newRouter("r-" + role, "r-" + role, wan, lan);
        PortRange ports = switch (type.portAllocation()) {
            case PRESERVING -> null;
            case RANDOM -> options.symmetricPorts;
            case SEQUENTIAL -> options.sequentialPorts;
        };
        r.nft(NatRules.ruleset(type, wan, "10.0." + n + ".0/24", ports, options.sequentialDelta));
        Router router = new Router(type, index, "r-" + role, r, addr(wan), addr(lan),
                ports == null && type.portAllocation() == NatType.PortAllocation.RANDOM ? PortRange.KERNEL_NAT_DEFAULT : ports,
                options.sequentialDelta);
        routers.computeIfAbsent(type, t -> new ArrayList<>()).add(router);
        allRouters.add(router);

        HostKind kind = HostKind.of(type);
        clients.computeIfAbsent(type, t -> new ArrayList<>())
                .add(newLanClient(r, hostName, "c-" + role, "lan-c1", "10.0." + n + ".2", lan, kind, label(kind, index)));
        if (type == NatType.PORT_RESTRICTED_CONE && index == 0) {
            secondClient = newLanClient(r, hostName + "-2", "c2-" + role, "lan-c2", "10.0." + n + ".3", lan,
                    kind, kind.label() + "-2nd");
        }
    }

    /** A router namespace: {@code wan0} on the internet bridge (port {@code port} there) and the LAN bridge. */
    Netns newRouter(String role, String port, String wan, String lan) {
        Netns r = newNamespace(role, true);
        link(internet, port, r, NatRules.WAN_IF, wan + "/" + PUBLIC_PREFIX);
        internet.ip("link", "set", port, "master", "br0");
        r.ip("link", "add", NatRules.LAN_IF, "type", "bridge");
        r.ip("addr", "add", lan + "/24", "dev", NatRules.LAN_IF);
        r.ip("link", "set", NatRules.LAN_IF, "up");
        return r;
    }

    Host newLanClient(Netns router, String hostName, String role, String routerPort, String address,
                              String gateway, HostKind kind, String label) {
        Netns c = newNamespace(role, false);
        link(router, routerPort, c, "eth0", address + "/24");
        router.ip("link", "set", routerPort, "master", NatRules.LAN_IF);
        c.ip("route", "add", "default", "via", gateway);
        return new Host(hostName, c, addr(address), kind, label, new Host.Wire(router, routerPort));
    }

    private Netns newPublicHost(String role, String port, String address) {
        Netns ns = newNamespace(role, false);
        link(internet, port, ns, "eth0", address + "/" + PUBLIC_PREFIX);
        internet.ip("link", "set", port, "master", "br0");
        return ns;
    }

    Netns newNamespace(String role, boolean router) {
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
    static void link(Netns a, String aIf, Netns b, String bIf, String bAddress) {
        a.ip("link", "add", aIf, "type", "veth", "peer", "name", bIf, "netns", b.name());
        a.ip("link", "set", aIf, "up");
        b.ip("addr", "add", bAddress, "dev", bIf);
        b.ip("link", "set", bIf, "up");
    }

    static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    Netns internetNamespace() {
        return internet;
    }

    /** The public STUN/rendezvous server with two addresses. */
    public ServerHost server() {
        return server;
    }

    /** A public host without any filtering; same as {@code openHost(0)}. */
    public Host openHost() {
        return openHost(0);
    }

    /** Open host {@code index}: 0 ({@value #OPEN_HOST}) always, 1 ({@value #OPEN_HOST_2}) in a matrix bed. */
    public Host openHost(int index) {
        return indexed(openHosts, index, "open host");
    }

    /** A public host whose input firewall drops everything it did not ask for; same as {@code firewalledHost(0)}. */
    public Host firewalledHost() {
        return firewalledHost(0);
    }

    /**
     * Firewalled host {@code index}: 0 ({@value #FIREWALLED_HOST}) always, 1 ({@value #FIREWALLED_HOST_2}) in a
     * matrix bed. Input: {@code policy drop}, accepts {@code lo} and {@code ct state established,related}.
     */
    public Host firewalledHost(int index) {
        return indexed(firewalledHosts, index, "firewalled host");
    }

    private static <T> T indexed(List<T> hosts, int index, String what) {
        if (index < 0 || index >= hosts.size()) {
            throw new IllegalArgumentException("the bed has " + hosts.size() + " " + what + "(s), no index " + index
                    + (index == 1 ? " (build it with NatTestBed.builder().matrix())" : ""));
        }
        return hosts.get(index);
    }

    /** Whether the bed was built with {@link Builder#matrix()}. */
    public boolean isMatrix() {
        return options.matrix;
    }

    /**
     * Matrix bed only: the home router of the LAN pair, a full-cone NAT (type {@link NatType#FULL_CONE}, index -1,
     * name {@code r-home}) that is not one of {@code router(type, i)} and not in {@link #routers()}.
     */
    public Router homeRouter() {
        return matrixOnly(homeRouter, "homeRouter()");
    }

    /** Matrix bed only: the host on the home LAN that accepts inbound (no filtering of its own). */
    public Host lanPhone() {
        return matrixOnly(lanPhone, "lanPhone()");
    }

    /**
     * Matrix bed only: the host on the home LAN whose input firewall drops inbound like the firewalled host's
     * (accepts {@code lo} and {@code ct state established,related}): the phone cannot open anything to it, but
     * everything the pc opens itself (to the phone, to the internet) gets its answers.
     */
    public Host lanPc() {
        return matrixOnly(lanPc, "lanPc()");
    }

    /** Hostile bed only: the host behind a router that drops every UDP packet (TCP passes, NATed like a port-restricted cone). */
    public Host udpBlockedHost() {
        return hostileOnly(udpBlocked, "udpBlockedHost()");
    }

    /** Hostile bed only: the public host ({@value #PROXY_HOST}) where a test runs the proxy, on {@link #proxyPort()}. */
    public Host proxyHost() {
        return hostileOnly(proxyHost, "proxyHost()");
    }

    /** The only port the proxy-only router forwards to ({@link #proxyHost()}). */
    public int proxyPort() {
        return HostileRules.PROXY_PORT;
    }

    /** Hostile bed only: the host whose router forwards nothing but TCP to {@link #proxyHost()}:{@link #proxyPort()}. */
    public Host proxyOnlyHost() {
        return hostileOnly(proxyOnly, "proxyOnlyHost()");
    }

    /**
     * IPv6 bed only: dual-stack home host {@code index} (0 or 1), each behind its own router: IPv4 10.0.n.2 NATed
     * (port-restricted cone), IPv6 2001:db8:n::2 routed to it through the router's stateful firewall.
     */
    public Host dualStackHost(int index) {
        return indexed(ipv6Only().dualStack(), index, "dual-stack host");
    }

    /** IPv6 bed only: the router of {@link #dualStackHost(int)} {@code index} (index -1, not in {@link #routers()}). */
    public Router dualStackRouter(int index) {
        return indexed(ipv6Only().dualStackRouters(), index, "dual-stack router");
    }

    /**
     * IPv6 bed only: a host with nothing but a global IPv6 address (2001:db8:n::2; no IPv4 address or route), behind
     * a router whose stateful firewall drops unsolicited inbound like the dual-stack routers'.
     */
    public Host ipv6OnlyHost() {
        return ipv6Only().ipv6Only();
    }

    /** IPv6 bed only: the router in front of {@link #ipv6OnlyHost()}. */
    public Router ipv6OnlyRouter() {
        return ipv6Only().ipv6OnlyRouter();
    }

    /** Whether the bed was built with {@link Builder#ipv6()}. */
    public boolean hasIpv6() {
        return ipv6 != null;
    }

    private Ipv6Sites.Built ipv6Only() {
        if (ipv6 == null) {
            throw new IllegalStateException("IPv6 hosts exist only in a bed built with NatTestBed.builder().ipv6()");
        }
        return ipv6;
    }

    private static Host hostileOnly(Host value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " exists only in a bed built with NatTestBed.builder().hostile()");
        }
        return value;
    }

    private <T> T matrixOnly(T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " exists only in a bed built with NatTestBed.builder().matrix()");
        }
        return value;
    }

    /** How many hosts of {@code kind} the bed has: what {@link #host(HostKind, int)} accepts as index. */
    public int hostCount(HostKind kind) {
        return switch (kind) {
            case OPEN -> openHosts.size();
            case FIREWALLED -> firewalledHosts.size();
            case SERVER -> 1;
            case LAN_PHONE, LAN_PC -> options.matrix ? 1 : 0;
            case UDP_BLOCKED, PROXY_ONLY, PROXY -> options.hostile ? 1 : 0;
            case DUAL_STACK -> ipv6 == null ? 0 : ipv6.dualStack().size();
            case IPV6_ONLY -> ipv6 == null ? 0 : 1;
            default -> clients.getOrDefault(kind.natType().orElseThrow(), List.of()).size();
        };
    }

    /**
     * Host {@code index} of {@code kind}: {@code openHost(index)}, {@code firewalledHost(index)},
     * {@code client(type, index)}, or (index 0) {@code server()}, {@code lanPhone()}, {@code lanPc()}.
     */
    public Host host(HostKind kind, int index) {
        return switch (kind) {
            case OPEN -> openHost(index);
            case FIREWALLED -> firewalledHost(index);
            case SERVER -> indexed(List.of(server), index, "server");
            case LAN_PHONE -> indexed(List.of(lanPhone()), index, "lan phone");
            case LAN_PC -> indexed(List.of(lanPc()), index, "lan pc");
            case UDP_BLOCKED -> indexed(List.of(udpBlockedHost()), index, "UDP-blocked host");
            case PROXY_ONLY -> indexed(List.of(proxyOnlyHost()), index, "proxy-only host");
            case PROXY -> indexed(List.of(proxyHost()), index, "proxy host");
            case DUAL_STACK -> dualStackHost(index);
            case IPV6_ONLY -> indexed(List.of(ipv6OnlyHost()), index, "IPv6-only host");
            default -> client(kind.natType().orElseThrow(), index);
        };
    }

    /**
     * The hosts of the connection matrix: for each kind of {@link HostKind#MATRIX} (open, firewalled, full-cone,
     * restricted-cone, port-restricted-cone, symmetric) every host the bed has, index 0 then 1. A matrix bed has
     * two of each (12 entries); the default bed has one of each plus {@code symmetric#1} (7).
     */
    public List<MatrixHost> matrixHosts() {
        List<MatrixHost> hosts = new ArrayList<>();
        for (HostKind kind : HostKind.MATRIX) {
            for (int i = 0; i < hostCount(kind); i++) {
                hosts.add(new MatrixHost(kind, i, host(kind, i)));
            }
        }
        return List.copyOf(hosts);
    }

    /**
     * All 36 ordered pairs of matrix kinds, row by row in {@link HostKind#MATRIX} order: {@code from} is host 0 of
     * its kind; {@code to} is host 0 of its kind, or host 1 on the diagonal, so both ends are always different hosts
     * behind different routers. Matrix bed only.
     */
    public List<MatrixPair> matrixPairs() {
        if (!options.matrix) {
            throw new IllegalStateException("matrixPairs() needs a bed built with NatTestBed.builder().matrix()");
        }
        List<MatrixPair> pairs = new ArrayList<>();
        for (HostKind from : HostKind.MATRIX) {
            for (HostKind to : HostKind.MATRIX) {
                int toIndex = from == to ? 1 : 0;
                pairs.add(new MatrixPair(new MatrixHost(from, 0, host(from, 0)),
                        new MatrixHost(to, toIndex, host(to, toIndex))));
            }
        }
        return List.copyOf(pairs);
    }

    /** The (first) client behind the (first) router of {@code type}; same as {@code client(type, 0)}. */
    public Host client(NatType type) {
        return client(type, 0);
    }

    /**
     * The client behind router {@code index} of {@code type}: index 0 exists for every type, index 1 for
     * {@link NatType#SYMMETRIC} (a second symmetric NAT with its own WAN address and LAN, e.g. for relaying
     * between two symmetric peers) and, in a {@link Builder#matrix()} bed, for every type. See
     * {@link #routerCount(NatType)}.
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

    /** How many routers of {@code type} the bed has (2 for {@link NatType#SYMMETRIC}, else 1; 2 each in a matrix bed). */
    public int routerCount(NatType type) {
        return routers.getOrDefault(type, List.of()).size();
    }

    /**
     * Every {@code router(type, index)} of the bed, in build order (WAN .101 upwards); not the matrix bed's
     * {@link #homeRouter()}, so {@code client(router.type(), router.index())} is always the router's client.
     */
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
