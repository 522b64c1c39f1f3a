package dev.peerlink.it;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.ServerHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The benches' peerlink processes on the bed, launched as a user would: the {@code ./peerlink} script (what a user
 * runs, start-up tricks included), the CLI jar, or — when neither is given — this test's classpath. Also CPU time of
 * processes and of the machine.
 */
final class BenchCli {
    static final Duration STEP = Duration.ofSeconds(60);
    static final Pattern READY = Pattern.compile("\\{\"event\":\"ready\"");

    final LadderBed lb;
    final Path dir;
    /** {@code ./peerlink}, a {@code peerlink.jar}, or null for this test's classpath. */
    final String launcher;
    final List<String> jvm;
    final Map<String, HostProcess> targets = new LinkedHashMap<>();

    BenchCli(LadderBed lb, Path dir, String launcher, List<String> jvm) {
        this.lb = lb;
        this.dir = dir;
        this.launcher = launcher == null || launcher.isBlank() ? null : launcher;
        this.jvm = jvm;
    }

    String describe() {
        String opts = jvm.isEmpty() ? "no extra JVM options (tiered C2, G1)" : "JVM options " + String.join(" ", jvm);
        if (launcher == null) {
            return "test classpath, " + opts;
        }
        return (launcher.endsWith(".jar") ? "java -jar " : "") + launcher + ", " + opts;
    }

    /** A shell command line (to follow {@code exec}) that runs {@code peerlink args...}. */
    String shell(String... args) {
        List<String> cmd = new ArrayList<>();
        if (launcher != null && !launcher.endsWith(".jar")) {
            // env keeps the pid: the script execs java, so /proc/<pid> of the started process is the JVM's
            cmd.addAll(List.of("env", "PEERLINK_JAVA_OPTS=" + String.join(" ", jvm), launcher));
        } else {
            cmd.add(ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(jvm);
            if (launcher != null) {
                cmd.addAll(List.of("-jar", launcher));
            } else {
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.peerlink.cli.Main"));
            }
        }
        cmd.addAll(List.of(args));
        return cmd.stream().map(LadderBed::quote).collect(Collectors.joining(" "));
    }

    void startServer() {
        ServerHost s = lb.bed.server();
        String ip = s.primaryAddress().getHostAddress();
        lb.server = s.start("sh", "-c", "exec " + shell("server", "--listen", ip + ":7000", "--stun", ip + ":3478",
                "--stun-alternate", s.alternateAddress().getHostAddress() + ":3479", "--relay", ip + ":3480", "--data",
                dir.resolve("server-data").toString()));
        lb.server.awaitOutput(Pattern.compile("signalling on"), STEP);
    }

    /**
     * {@code peer} as {@code id} on {@code host} (started once, then reused), what it receives to /dev/null; waits
     * until it is registered and knows its NAT.
     */
    HostProcess target(Host host, String id, String... extra) {
        HostProcess running = targets.get(id);
        if (running != null) {
            return running;
        }
        List<String> args = new ArrayList<>(List.of("peer", "--id", id, "--server", lb.serverAddress(), "--home",
                dir.resolve("home-" + id).toString()));
        args.addAll(List.of(extra));
        HostProcess p = host.start("sh", "-c", "exec " + shell(args.toArray(String[]::new)) + " > /dev/null");
        lb.running.add(p);
        targets.put(id, p);
        p.awaitOutput(READY, STEP);
        return p;
    }

    /** {@code connect target} as {@code asId}, its key in {@code home}, plus {@code extra} options. */
    String connect(String asId, Path home, String target, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("connect", target, "--id", asId, "--server", lb.serverAddress(),
                "--home", home.toString()));
        args.addAll(extra);
        return shell(args.toArray(String[]::new));
    }

    /** The JVM under {@code p} (itself, or a descendant when started through /usr/bin/time), or -1. */
    static long javaPid(HostProcess p) {
        if (isJava(ProcessHandle.of(p.pid()).orElse(null))) {
            return p.pid();
        }
        return ProcessHandle.of(p.pid()).stream().flatMap(ProcessHandle::descendants).filter(BenchCli::isJava)
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private static boolean isJava(ProcessHandle h) {
        return h != null && h.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    /** user+sys seconds of a process so far (clock ticks of 1/100 s); NaN once it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat. */
    static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v; // idle, iowait
            }
        }
        return new long[] {total - idle, total};
    }

    /** The 1-minute load average. */
    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
