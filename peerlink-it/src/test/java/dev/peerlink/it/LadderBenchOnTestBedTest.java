package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.testkit.netns.ExecResult;
import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.ServerHost;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's benchmarks on the matrix bed, through the real CLI (not part of the default test run: tagged
 * {@code bench}; {@code bench/ladder-bench.sh} runs it).
 *
 * <ol>
 *   <li>Setup time per path: one representative pair per ladder path, {@code N} {@code peerlink connect} runs each
 *       (after one uncounted warm-up round), each piping 1 KiB; median / p95 of the {@code setupMs} the command
 *       reports (ladder only: from asking the server to a verified secure connection) and of the wall time of the
 *       whole process (JVM start, registration, NAT discovery, ladder, 1 KiB, close).</li>
 *   <li>Bulk throughput: {@code peerlink connect < 200 MB} to a {@code peerlink peer} (no --echo, its stdout to
 *       /dev/null): one way, timed from the connected line to the exit of connect, which waits for the target to close
 *       its side after reading everything. Against {@code iperf3 -t} for as long (at least 3 s), TCP, on the same hosts in the
 *       same run; for the relayed pair (two symmetric NATs, which no iperf3 flow can cross) against iperf3 over the
 *       relay's two legs: initiator to server, and server to target.</li>
 * </ol>
 *
 * System properties: {@code peerlink.bench.n} (10), {@code peerlink.bench.mb} (200), {@code peerlink.bench.parts}
 * ({@code setup,bulk}), {@code peerlink.bench.jvm} (extra JVM options for every peerlink process; default none,
 * i.e. what {@code ./peerlink} runs: tiered C2, G1), {@code peerlink.bench.out} (append the report to this file).
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LadderBenchOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    static final int N = Integer.getInteger("peerlink.bench.n", 10);
    static final int MB = Integer.getInteger("peerlink.bench.mb", 200);
    static final List<String> PARTS = Arrays.asList(System.getProperty("peerlink.bench.parts", "setup,bulk").split(","));
    static final List<String> JVM = Arrays.stream(System.getProperty("peerlink.bench.jvm", "").trim().split("\\s+"))
            .filter(s -> !s.isEmpty()).toList();
    static final Pattern RUSAGE = Pattern.compile("rusage user=([0-9.]+) sys=([0-9.]+)");
    static final Duration STEP = Duration.ofSeconds(60);
    static final int IPERF_PORT = 5201;

    @TempDir
    static Path dir;
    LadderBed lb;
    PrintWriter report;
    final Map<String, HostProcess> targets = new LinkedHashMap<>();

    /** One ladder path's representative pair. */
    record Pair(String path, String label, Host from, String target) {}

    @BeforeAll
    void start() throws IOException {
        NatTestBed bed = BED.bed();
        lb = new LadderBed(bed, dir);
        String out = System.getProperty("peerlink.bench.out");
        report = out == null ? new PrintWriter(System.out, true)
                : new PrintWriter(Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        log("# ladder bench " + Instant.now() + ": N=" + N + ", bulk " + MB + " MB, parts " + PARTS + ", JVM options "
                + (JVM.isEmpty() ? "(none: tiered C2, G1, as ./peerlink)" : String.join(" ", JVM)));
        startServer();
        startTarget(bed.openHost(0), "open-0");
        startTarget(bed.openHost(1), "open-1");
        startTarget(bed.firewalledHost(0), "firewalled-0");
        startTarget(bed.client(NatType.PORT_RESTRICTED_CONE, 1), "portr-1");
        startTarget(bed.client(NatType.SYMMETRIC, 1), "sym-1");
        startTarget(bed.lanPhone(), "lan-phone");
        startTarget(bed.lanPc(), "lan-pc");
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
        if (report != null) {
            report.flush();
            if (System.getProperty("peerlink.bench.out") != null) {
                report.close();
            }
        }
    }

    void log(String line) {
        report.println(line);
        report.flush();
        if (System.getProperty("peerlink.bench.out") != null) {
            System.out.println(line);
        }
    }

    // ---------------------------------------------------------------- setup time per path

    @Test
    @Order(1)
    void setupTimePerPath() throws Exception {
        if (!PARTS.contains("setup")) {
            return;
        }
        NatTestBed bed = BED.bed();
        List<Pair> pairs = List.of(
                new Pair("direct", "port-restricted -> open", bed.client(NatType.PORT_RESTRICTED_CONE, 0), "open-0"),
                new Pair("reverse", "open -> firewalled", bed.openHost(0), "firewalled-0"),
                new Pair("reverse", "lan-phone -> lan-pc", bed.lanPhone(), "lan-pc"),
                new Pair("punch", "port-restricted -> port-restricted#1", bed.client(NatType.PORT_RESTRICTED_CONE, 0), "portr-1"),
                new Pair("relay", "symmetric -> symmetric#1", bed.client(NatType.SYMMETRIC, 0), "sym-1"),
                new Pair("lan", "lan-pc -> lan-phone", bed.lanPc(), "lan-phone"));
        Path tiny = lb.payload(1024, 11);
        Map<Pair, List<Long>> setup = new LinkedHashMap<>();
        Map<Pair, List<Long>> wall = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        log("## setup: round pair path setupMs wallMs (round 0 is a warm-up, not counted)");
        // Rounds interleave the pairs so that load from other users of the machine spreads over all of them.
        for (int round = 0; round <= N; round++) {
            for (Pair p : pairs) {
                Run r = connect(p.from(), "i-" + p.path() + "-" + p.target(), p.target(), tiny, Duration.ofSeconds(90));
                log(String.format("setup %2d %-38s %-8s %6d %6d%s", round, p.label(), r.path, r.setupMs, r.wallMs,
                        r.exit == 0 ? "" : "  EXIT " + r.exit));
                if (r.exit != 0 || !p.path().equals(r.path)) {
                    problems.add(p.label() + " round " + round + ": exit " + r.exit + ", path " + r.path + "\n" + r.output);
                    continue;
                }
                if (round > 0) {
                    setup.computeIfAbsent(p, k -> new ArrayList<>()).add(r.setupMs);
                    wall.computeIfAbsent(p, k -> new ArrayList<>()).add(r.wallMs);
                }
            }
        }
        log("## setup summary (ms; setup = ladder as reported by connect, wall = whole connect process)");
        log(String.format("%-8s %-38s %3s %8s %8s %8s %8s", "path", "pair", "n", "setup50", "setup95", "wall50", "wall95"));
        for (Pair p : pairs) {
            List<Long> s = setup.getOrDefault(p, List.of());
            List<Long> w = wall.getOrDefault(p, List.of());
            log(String.format("%-8s %-38s %3d %8d %8d %8d %8d", p.path(), p.label(), s.size(), LadderBed.percentile(s, 0.5),
                    LadderBed.percentile(s, 0.95), LadderBed.percentile(w, 0.5), LadderBed.percentile(w, 0.95)));
        }
        assertThat(problems).as("setup runs that failed or took an unexpected path").isEmpty();
    }

    // ---------------------------------------------------------------- bulk throughput

    @Test
    @Order(2)
    void bulkThroughputVersusIperf3() throws Exception {
        if (!PARTS.contains("bulk")) {
            return;
        }
        NatTestBed bed = BED.bed();
        long bytes = (long) MB * 1024 * 1024;
        Path big = dir.resolve("bulk-" + MB);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            byte[] b = new byte[1 << 20];
            Random r = new Random(12);
            for (int i = 0; i < MB; i++) {
                r.nextBytes(b);
                f.write(b);
            }
        }
        log("## bulk: " + MB + " MiB one way, connect < file -> peer (no --echo) > /dev/null;"
                + " MB/s = 10^6 bytes/s; CPU = user+sys seconds; busy = both cores' busy share during the transfer");
        Host open0 = bed.openHost(0);
        Host open1 = bed.openHost(1);
        Host portr0 = bed.client(NatType.PORT_RESTRICTED_CONE, 0);
        Host portr1 = bed.client(NatType.PORT_RESTRICTED_CONE, 1);
        Host sym0 = bed.client(NatType.SYMMETRIC, 0);
        Host sym1 = bed.client(NatType.SYMMETRIC, 1);
        ServerHost server = bed.server();

        Bulk direct = bulk("open -> open#1", open0, "open-1", big, bytes, "direct");
        Bulk punch = bulk("port-restricted -> port-restricted#1", portr0, "portr-1", big, bytes, "punch");
        Bulk relay = bulk("symmetric -> symmetric#1", sym0, "sym-1", big, bytes, "relay");

        double iDirect = iperf("open -> open#1", open1, open0, open1.address().getHostAddress(), direct.seconds, false);
        Router r1 = bed.router(NatType.PORT_RESTRICTED_CONE, 1);
        // iperf3 cannot punch: forward its port on the target's router so the flow crosses both NATs like the punched path.
        r1.exec(Duration.ofSeconds(10), "nft", "insert rule ip nat prerouting iifname \"wan0\" tcp dport " + IPERF_PORT
                + " dnat to " + portr1.address().getHostAddress() + ":" + IPERF_PORT).orThrow();
        double iPunch = iperf("port-restricted -> port-restricted#1 (port forward on r-portr2)", portr1, portr0,
                r1.wanAddress().getHostAddress(), punch.seconds, false);
        String srv = server.primaryAddress().getHostAddress();
        double iLeg1 = iperf("symmetric -> server (relay leg 1)", server, sym0, srv, relay.seconds, false);
        double iLeg2 = iperf("server -> symmetric#1 (relay leg 2, -R)", server, sym1, srv, relay.seconds, true);

        log("## bulk summary");
        log(String.format("%-40s %-7s %9s %9s %7s  %s", "pair", "path", "peerlink", "iperf3", "ratio", "CPU"));
        row(direct, iDirect, "iperf3 same hosts");
        row(punch, iPunch, "iperf3 same hosts, TCP through both NATs via a port forward");
        row(relay, Math.min(iLeg1, iLeg2), String.format("iperf3 min of the relay's legs (%.1f, %.1f MB/s)", iLeg1, iLeg2));
        assertThat(List.of(direct.path, punch.path, relay.path)).containsExactly("direct", "punch", "relay");
    }

    void row(Bulk b, double iperf, String note) {
        log(String.format("%-40s %-7s %7.1f MB/s %7.1f MB/s %6.2fx  connect %.1f s, target peer %.1f s, server %.1f s, busy %.0f%%; %s",
                b.label, b.path, b.mbps, iperf, b.mbps / iperf, b.connectCpu, b.targetCpu, b.serverCpu, b.busy * 100, note));
    }

    record Bulk(String label, String path, double mbps, double seconds, double connectCpu, double targetCpu,
                double serverCpu, double busy) {}

    Bulk bulk(String label, Host from, String target, Path input, long bytes, String expectedPath) throws Exception {
        HostProcess t = targets.get(target);
        List<String> java = connectCommand("b-" + target, target);
        String cmd = "exec /usr/bin/time -f 'rusage user=%U sys=%S' " + join(java) + " < " + LadderBed.quote(input.toString())
                + " > /dev/null";
        double t0 = cpuSeconds(t.pid());
        double s0 = cpuSeconds(lb.server.pid());
        try (HostProcess p = from.start("sh", "-c", cmd)) {
            Matcher m = p.awaitOutput(LadderBed.CONNECTED, STEP);
            long start = System.nanoTime();
            long[] busy0 = machineTicks();
            int exit = p.awaitExit(Duration.ofMinutes(10));
            long end = System.nanoTime();
            long[] busy1 = machineTicks();
            double seconds = (end - start) / 1e9;
            Matcher u = RUSAGE.matcher(String.join("\n", p.stderrLines()));
            double cpu = u.find() ? Double.parseDouble(u.group(1)) + Double.parseDouble(u.group(2)) : -1;
            double busy = (double) (busy1[0] - busy0[0]) / Math.max(1, busy1[1] - busy0[1]);
            Bulk b = new Bulk(label, m.group(1), bytes / seconds / 1e6, seconds, cpu, cpuSeconds(t.pid()) - t0,
                    cpuSeconds(lb.server.pid()) - s0, busy);
            log(String.format("bulk %-40s %-7s exit %d, %.2f s, %.1f MB/s, connect CPU %.1f s (whole process), target CPU %.1f s,"
                    + " server CPU %.1f s, machine busy %.0f%%", label, b.path, exit, seconds, b.mbps, cpu, b.targetCpu,
                    b.serverCpu, busy * 100));
            assertThat(exit).as(p.describeOutput()).isZero();
            assertThat(b.path).isEqualTo(expectedPath);
            return b;
        }
    }

    /**
     * iperf3 TCP, one way from {@code client} to {@code serverHost} (or back with reverse), for as long as the peerlink
     * transfer took (at least 3 s, whole seconds: iperf3 moves 200 MB in well under a second); MB/s received.
     */
    double iperf(String label, Host serverHost, Host client, String address, double peerlinkSeconds, boolean reverse) throws Exception {
        long duration = Math.max(3, Math.round(Math.ceil(peerlinkSeconds)));
        try (HostProcess s = serverHost.start("iperf3", "-s", "-1", "--forceflush", "-p", String.valueOf(IPERF_PORT))) {
            s.awaitOutput(Pattern.compile("Server listening"), Duration.ofSeconds(10));
            List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", address, "-p", String.valueOf(IPERF_PORT), "-t",
                    String.valueOf(duration), "-J"));
            if (reverse) {
                cmd.add("-R");
            }
            ExecResult r = client.exec(Duration.ofMinutes(5), cmd.toArray(String[]::new)).orThrow();
            JsonNode end = new ObjectMapper().readTree(r.stdout()).path("end");
            double bps = end.path("sum_received").path("bits_per_second").asDouble();
            double seconds = end.path("sum_received").path("seconds").asDouble();
            double sender = end.path("cpu_utilization_percent").path("host_total").asDouble();
            double receiver = end.path("cpu_utilization_percent").path("remote_total").asDouble();
            double mbps = bps / 8 / 1e6;
            log(String.format("iperf3 %-60s %.2f s, %.0f MB, %.1f MB/s, CPU %% of one core: local %.0f, remote %.0f, retransmits %d",
                    label, seconds, end.path("sum_received").path("bytes").asDouble() / 1e6, mbps, sender, receiver, end.path("sum_sent").path("retransmits").asLong()));
            return mbps;
        }
    }

    // ---------------------------------------------------------------- processes

    /** A peerlink JVM command line: this test's classpath, {@link #JVM} options. */
    static List<String> java(String... args) {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.peerlink.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static String join(List<String> cmd) {
        return cmd.stream().map(LadderBed::quote).collect(Collectors.joining(" "));
    }

    void startServer() {
        ServerHost s = BED.bed().server();
        String ip = s.primaryAddress().getHostAddress();
        lb.server = s.start(java("server", "--listen", ip + ":7000", "--stun", ip + ":3478", "--stun-alternate",
                s.alternateAddress().getHostAddress() + ":3479", "--relay", ip + ":3480", "--data",
                dir.resolve("server-data").toString()));
        lb.server.awaitOutput(Pattern.compile("signalling on"), STEP);
    }

    /** {@code peer} without --echo, what it receives to /dev/null; waits until it is registered and knows its NAT. */
    void startTarget(Host host, String id) {
        List<String> java = java("peer", "--id", id, "--server", lb.serverAddress(), "--home", dir.resolve("home-" + id).toString());
        HostProcess p = host.start("sh", "-c", "exec " + join(java) + " > /dev/null");
        lb.running.add(p);
        targets.put(id, p);
        p.awaitOutput(Pattern.compile("\\{\"event\":\"ready\""), STEP);
    }

    List<String> connectCommand(String asId, String target) {
        return java("connect", target, "--id", asId, "--server", lb.serverAddress(), "--home", dir.resolve("home-" + asId).toString());
    }

    record Run(int exit, String path, long setupMs, long wallMs, String output) {}

    /** One {@code connect} process, {@code input} on stdin, stdout discarded; wall time from spawn to exit. */
    Run connect(Host host, String asId, String target, Path input, Duration timeout) {
        String cmd = "exec " + join(connectCommand(asId, target)) + " < " + LadderBed.quote(input.toString()) + " > /dev/null";
        long t0 = System.nanoTime();
        try (HostProcess p = host.start("sh", "-c", cmd)) {
            int exit = p.awaitExit(timeout);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            Matcher m = LadderBed.CONNECTED.matcher(String.join("\n", p.stderrLines()));
            boolean found = m.find();
            return new Run(exit, found ? m.group(1) : null, found ? Long.parseLong(m.group(2)) : -1, wall, p.describeOutput());
        }
    }

    /** user+sys seconds of a process so far (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException e) {
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
}
