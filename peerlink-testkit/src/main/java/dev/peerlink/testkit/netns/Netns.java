package dev.peerlink.testkit.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Thin wrapper over {@code ip netns} / {@code ip -n} / {@code nft} for one named network namespace. */
final class Netns {
    private final String name;

    Netns(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    static Netns create(String name) {
        Shell.run(List.of(ip(), "netns", "add", name)).orThrow();
        Netns ns = new Netns(name);
        // Loopback is down in a fresh namespace; many programs (and turnserver) expect it.
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** Names of all namespaces on the machine ({@code ip netns list} prints "name (id: n)"). */
    static List<String> listAll() {
        ExecResult r = Shell.run(List.of(ip(), "netns", "list"));
        List<String> names = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String n = line.strip().split("\\s+")[0];
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }

    /**
     * Kills every process still inside the namespace, then deletes it. Processes would otherwise keep the
     * namespace (and its interfaces) alive after {@code ip netns del}.
     */
    static void destroy(String name) {
        ExecResult pids = Shell.run(List.of(ip(), "netns", "pids", name));
        for (String pid : pids.stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ph -> {
                    ph.descendants().forEach(ProcessHandle::destroyForcibly);
                    ph.destroyForcibly();
                });
            }
        }
        Shell.run(List.of(ip(), "netns", "delete", name));
    }

    /** {@code ip -n <ns> args...}, failing loudly: setup errors must not be silently ignored. */
    ExecResult ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ip(), "-n", name));
        cmd.addAll(Arrays.asList(args));
        return Shell.run(cmd).orThrow();
    }

    /** The command prefix that runs a program inside this namespace. */
    List<String> execPrefix() {
        return List.of(ip(), "netns", "exec", name);
    }

    List<String> wrap(List<String> command) {
        List<String> cmd = new ArrayList<>(execPrefix());
        cmd.addAll(command);
        return cmd;
    }

    ExecResult exec(String... command) {
        return Shell.run(wrap(Arrays.asList(command)));
    }

    /** Sets sysctls inside the namespace (net.* sysctls are per namespace). */
    void sysctl(String... assignments) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("sysctl"), "-q", "-w"));
        cmd.addAll(Arrays.asList(assignments));
        Shell.run(wrap(cmd)).orThrow();
    }

    /**
     * Like {@link #sysctl} but silently skips keys the kernel does not have ({@code sysctl -e}), e.g.
     * {@code net.bridge.*}, which exists only while the {@code br_netfilter} module is loaded on the host.
     */
    void sysctlIfPresent(String... assignments) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("sysctl"), "-q", "-e", "-w"));
        cmd.addAll(Arrays.asList(assignments));
        Shell.run(wrap(cmd)).orThrow();
    }

    /** Loads an nft script atomically ({@code nft -f -}); the whole script applies or nothing does. */
    void nft(String script) {
        Shell.run(Shell.DEFAULT_TIMEOUT, wrap(List.of(Tools.require("nft"), "-f", "-")), script).orThrow();
    }

    ExecResult nftCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("nft")));
        cmd.addAll(Arrays.asList(args));
        return Shell.run(wrap(cmd));
    }

    static Optional<String> conntrackTool() {
        return Tools.find("conntrack").map(Object::toString);
    }

    private static String ip() {
        return Tools.require("ip");
    }

    @Override
    public String toString() {
        return name;
    }
}
