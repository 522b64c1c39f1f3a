package dev.peerlink.testkit.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * miniupnpd (Debian {@code miniupnpd-nftables}) running on a bed router, started by {@link Router#startMiniupnpd}.
 * Besides stopping it ({@link #close()}), it injects the gateway faults port mapping must survive:
 * {@link #deleteForwardingRule} (mapping still listed, no longer forwarding), {@link #restartWithEmptyTable()},
 * {@link #restart(MiniupnpdConfig)} (e.g. with UPnP disabled) and, on the router,
 * {@link Router#changeWanAddress}.
 */
public final class Miniupnpd implements AutoCloseable {
    static final String NAT_TABLE = "miniupnpd";
    static final String FORWARD_CHAIN = "miniupnpd";
    static final String PREROUTING_CHAIN = "prerouting_miniupnpd";
    static final String POSTROUTING_CHAIN = "postrouting_miniupnpd";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern READY = Pattern.compile("Listening for NAT-PMP/PCP traffic|HTTP listening on port");
    private static final Pattern FAILED = Pattern.compile("Port forwarding is now disabled|Performing STUN failed|EXITING");

    private final Router router;
    private final Netns ns;
    private final String base;
    private final String uuid = UUID.randomUUID().toString();
    private MiniupnpdConfig config;
    private HostProcess process;

    Miniupnpd(Router router, Netns ns, MiniupnpdConfig config) {
        this.router = router;
        this.ns = ns;
        this.config = config;
        this.base = "/tmp/" + BedNames.PREFIX + ProcessHandle.current().pid() + "-miniupnpd-" + SEQ.incrementAndGet();
    }

    /** Why miniupnpd tests cannot run here, or empty. */
    public static Optional<String> availability() {
        if (Tools.find("miniupnpd").isEmpty()) {
            return Optional.of("'miniupnpd' not found (install the miniupnpd-nftables package)");
        }
        ExecResult v = Shell.run(Duration.ofSeconds(5), List.of(Tools.require("miniupnpd"), "--version"), null);
        if (!(v.stdout() + v.stderr()).contains("nftables")) {
            return Optional.of("miniupnpd is not the nftables build (install miniupnpd-nftables)");
        }
        return Optional.empty();
    }

    public MiniupnpdConfig config() {
        return config;
    }

    public Router router() {
        return router;
    }

    /** The running process (for its log: {@link HostProcess#describeOutput()}). */
    public synchronized HostProcess process() {
        return process;
    }

    public String configFile() {
        return base + ".conf";
    }

    public String leaseFile() {
        return base + ".leases";
    }

    synchronized void start() {
        try {
            Files.writeString(Path.of(configFile()), config.render(router.lanSubnet(), leaseFile(), uuid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(Tools.require("miniupnpd"), "-f", configFile(), "-d", "-P", base + ".pid");
        process = new HostProcess(router.namespace() + ":miniupnpd", ns.wrap(cmd));
        try {
            Matcher ready = process.awaitOutput(Pattern.compile(READY.pattern() + "|" + FAILED.pattern()), START_TIMEOUT);
            if (FAILED.matcher(ready.group()).find()) {
                throw new IllegalStateException("miniupnpd refused to forward: " + ready.group());
            }
            if (config.upnp() && config.natPmp()) {
                process.awaitOutput(Pattern.compile("Listening for NAT-PMP/PCP traffic"), START_TIMEOUT);
            }
        } catch (RuntimeException e) {
            String out = process.describeOutput();
            process.close();
            throw new IllegalStateException("miniupnpd did not start on " + router + ": " + e.getMessage() + "\n" + out, e);
        }
    }

    /** Stops miniupnpd, keeping its lease file: a restart reloads the mappings. */
    private void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Restarts with the same configuration; mappings come back from the lease file. */
    public synchronized void restart() {
        restart(config);
    }

    /** Restarts with another configuration (e.g. {@code config().withUpnp(false)}: "UPnP disabled"). */
    public synchronized void restart(MiniupnpdConfig newConfig) {
        stop();
        this.config = newConfig;
        start();
    }

    /**
     * Restarts with an empty table, as after a router reboot: deletes the lease file and every rule miniupnpd
     * made (also conntrack entries, when the conntrack tool exists, so established flows do not keep forwarding).
     */
    public synchronized void restartWithEmptyTable() {
        stop();
        flushChains();
        try {
            Files.deleteIfExists(Path.of(leaseFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (Router.canFlushConntrack()) {
            router.flushConntrack();
        }
        start();
    }

    void flushChains() {
        ns.nft("flush chain inet filter " + FORWARD_CHAIN + "\n"
                + "flush chain inet " + NAT_TABLE + " " + PREROUTING_CHAIN + "\n"
                + "flush chain inet " + NAT_TABLE + " " + POSTROUTING_CHAIN + "\n");
    }

    /** miniupnpd's filter rules (one per mapping), as {@code nft} prints them. */
    public List<String> forwardingRules() {
        return rules("inet filter " + FORWARD_CHAIN);
    }

    /** miniupnpd's DNAT rules (what it lists as its mappings). */
    public List<String> dnatRules() {
        return rules("inet " + NAT_TABLE + " " + PREROUTING_CHAIN);
    }

    private List<String> rules(String chain) {
        List<String> args = new ArrayList<>(List.of("-a", "list", "chain"));
        args.addAll(List.of(chain.split(" ")));
        String out = ns.nftCommand(args.toArray(String[]::new)).orThrow().stdout();
        return out.lines().map(String::strip).filter(l -> l.contains("# handle") && !l.startsWith("chain")).toList();
    }

    /**
     * Fault (a): deletes the filter rule that lets inbound traffic for {@code internalPort} through, behind
     * miniupnpd's back. miniupnpd lists its mappings from the DNAT rules, so the mapping stays listed (UPnP
     * GetSpecificPortMappingEntry still finds it) while the router drops the traffic. Also forgets the conntrack
     * entries of flows to that port (when the conntrack tool exists), so flows already admitted stop too; other
     * flows of the LAN keep their NAT state, as on a router whose rule was deleted. Returns how many rules were deleted.
     */
    public int deleteForwardingRule(String protocol, int internalPort) {
        String proto = switch (protocol.toLowerCase(java.util.Locale.ROOT)) {
            case "udp" -> "0x11";
            case "tcp" -> "0x06";
            default -> throw new IllegalArgumentException("udp or tcp: " + protocol);
        };
        Pattern port = Pattern.compile("dport " + internalPort + "\\b");
        Pattern handle = Pattern.compile("# handle (\\d+)");
        StringBuilder script = new StringBuilder();
        int n = 0;
        for (String rule : forwardingRules()) {
            if (port.matcher(rule).find() && rule.contains(proto)) {
                Matcher h = handle.matcher(rule);
                if (h.find()) {
                    script.append("delete rule inet filter ").append(FORWARD_CHAIN).append(" handle ").append(h.group(1)).append('\n');
                    n++;
                }
            }
        }
        if (n > 0) {
            ns.nft(script.toString());
            if (Router.canFlushConntrack()) {
                router.deleteConntrack(protocol, internalPort);
            }
        }
        return n;
    }

    /** Asks miniupnpd to re-check its public address (SIGUSR1: re-runs STUN and notifies clients). */
    public synchronized void signalAddressChange() {
        if (process != null) {
            ns.exec("kill", "-USR1", String.valueOf(process.pid()));
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            ns.nft("flush chain inet filter " + FORWARD_CHAIN + "\n"
                    + "flush chain inet " + NAT_TABLE + " " + PREROUTING_CHAIN + "\n"
                    + "flush chain inet " + NAT_TABLE + " " + POSTROUTING_CHAIN + "\n");
        } catch (RuntimeException ignored) {
            // the bed may already be gone
        }
        for (String suffix : List.of(".conf", ".leases", ".pid")) {
            try {
                Files.deleteIfExists(Path.of(base + suffix));
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
