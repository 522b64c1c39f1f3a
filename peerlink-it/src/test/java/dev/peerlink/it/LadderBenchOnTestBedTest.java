package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
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
import java.util.function.Function;
import java.util.regex.Matcher;
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
 * Issue 4's and 15's benchmarks on the matrix bed, through the real CLI (tag {@code bench}, never part of
 * {@code ./test.sh}; {@code bench/ladder-bench.sh} runs it). Parts:
 *
 * <ol>
 *   <li>{@code setup}: one representative pair per ladder path, {@code N} {@code connect} runs each (after an uncounted
 *       warm-up round) piping 1 KiB; median / p95 of the ladder's {@code setupMs} and of the process's wall time.</li>
 *   <li>{@code connect}: time from spawning {@code peerlink connect} to its {@code connected} line and to the first byte
 *       it receives (an echo), for a port-restricted cone pair: on a known network (same device and data dir every
 *       run; the first run is not counted) and on first contact (a new device and data dir each run).</li>
 *   <li>{@code bulk}: per path — direct (TLS/TCP), punch and birthday (QUIC), relay (QUIC through the server's TURN
 *       relay) — {@code connect < file} to a {@code peer}, one way and both ways at once ({@code peer --send}), beside
 *       iperf3 between the same hosts right after: TCP, and for the QUIC paths one way UDP; for the relay each of its two legs
 *       (initiator to server, server to target), the slower one being the reference. iperf3 cannot punch, so it
 *       reaches the port-restricted target through a port forward on its router. Repeated per loss level: loss
 *       injected on the target host's link, both directions ({@link Host#injectLoss}).</li>
 * </ol>
 *
 * System properties ({@code bench/ladder-bench.sh} sets them from its environment): {@code peerlink.bench.n} (10),
 * {@code .mb} (1024: MiB per direction at zero loss), {@code .lossMb} (128: MiB per direction with loss),
 * {@code .loss} ({@code 0,1,5}), {@code .parts} ({@code connect,bulk}; {@code setup} too on request),
 * {@code .paths} (the bulk paths, default {@code direct,punch,birthday,relay}), {@code .iperfSeconds} (5), {@code .launcher} ({@code ./peerlink}, a jar, or empty for this test's classpath),
 * {@code .jvm} (extra JVM options for every peerlink process), {@code .out} (append the report to this file).
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LadderBenchOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create().matrix();

    static final int N = Integer.getInteger("peerlink.bench.n", 10);
    static final int MB = Integer.getInteger("peerlink.bench.mb", 1024);
    static final int LOSS_MB = Integer.getInteger("peerlink.bench.lossMb", 128);
    static final List<Integer> LOSS = Arrays.stream(System.getProperty("peerlink.bench.loss", "0,1,5").split(","))
            .map(String::trim).filter(v -> !v.isEmpty()).map(Integer::valueOf).toList();
    static final List<String> PARTS = Arrays.asList(System.getProperty("peerlink.bench.parts", "connect,bulk").split(","));
    /** The bulk paths to measure (default all: direct,punch,birthday,relay). */
    static final List<String> PATHS = Arrays.asList(System.getProperty("peerlink.bench.paths",
            "direct,punch,birthday,relay").split(","));
    static final int IPERF_SECONDS = Integer.getInteger("peerlink.bench.iperfSeconds", 5);
    static final List<String> JVM = Arrays.stream(System.getProperty("peerlink.bench.jvm", "").trim().split("\\s+"))
            .filter(v -> !v.isEmpty()).toList();
    /** A budget that makes a birthday failure negligible (1-(1-512/64512)^2048 > 0.99999), as BirthdayOnTestBedTest. */
    static final String[] BIRTHDAY = {"--birthday", "512,2048,1000"};

    @TempDir
    static Path dir;
    LadderBed lb;
    BenchCli cli;
    PrintWriter report;

    /** One ladder path's representative pair. */
    record Pair(String path, String label, Host from, String target) {}

    @BeforeAll
    void start() throws IOException {
        lb = new LadderBed(BED.bed(), dir);
        cli = new BenchCli(lb, dir, System.getProperty("peerlink.bench.launcher"), JVM);
        String out = System.getProperty("peerlink.bench.out");
        report = out == null ? new PrintWriter(System.out, true)
                : new PrintWriter(Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        log("# ladder bench " + Instant.now() + ": parts " + PARTS + ", N=" + N + ", bulk " + MB + " MiB (" + LOSS_MB
                + " MiB with loss), loss " + LOSS + " %, iperf3 " + IPERF_SECONDS + " s per run; peerlink: " + cli.describe()
                + "; load " + BenchCli.load());
        cli.startServer();
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
        cli.target(bed.openHost(0), "open-0");
        cli.target(bed.firewalledHost(0), "firewalled-0");
        cli.target(bed.client(NatType.PORT_RESTRICTED_CONE, 1), "portr-1", BIRTHDAY);
        cli.target(bed.client(NatType.SYMMETRIC, 1), "sym-1");
        cli.target(bed.lanPhone(), "lan-phone");
        cli.target(bed.lanPc(), "lan-pc");
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

    record Run(int exit, String path, long setupMs, long wallMs, String output) {}

    /** One {@code connect} process, {@code input} on stdin, stdout discarded; wall time from spawn to exit. */
    Run connect(Host host, String asId, String target, Path input, Duration timeout) {
        String cmd = "exec " + cli.connect(asId, dir.resolve("home-" + asId), target, List.of()) + " < "
                + LadderBed.quote(input.toString()) + " > /dev/null";
        long t0 = System.nanoTime();
        try (HostProcess p = host.start("sh", "-c", cmd)) {
            int exit = p.awaitExit(timeout);
            long wall = (System.nanoTime() - t0) / 1_000_000;
            Matcher m = LadderBed.CONNECTED.matcher(String.join("\n", p.stderrLines()));
            boolean found = m.find();
            return new Run(exit, found ? m.group(1) : null, found ? Long.parseLong(m.group(2)) : -1, wall, p.describeOutput());
        }
    }

    // ---------------------------------------------------------------- connect time

    @Test
    @Order(2)
    void connectTime() throws Exception {
        if (!PARTS.contains("connect")) {
            return;
        }
        NatTestBed bed = BED.bed();
        Host from = bed.client(NatType.PORT_RESTRICTED_CONE, 0);
        cli.target(bed.client(NatType.PORT_RESTRICTED_CONE, 1), "portr-1-echo", "--echo");
        Path hello = Files.writeString(dir.resolve("hello"), ConnectTimeRun.HELLO + "\n");
        List<ConnectTimeRun.Result> known = new ArrayList<>();
        List<ConnectTimeRun.Result> first = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        log("## connect time: port-restricted -> port-restricted#1 (peer --echo), ms from spawning connect; known = same"
                + " device and data dir every run (round 0 not counted), first = new device and data dir each run");
        // Rounds interleave the two cases so that load from other users of the machine spreads over both.
        for (int round = 0; round <= N; round++) {
            ConnectTimeRun.Result k = ConnectTimeRun.run(cli, from, "ct-known", dir.resolve("home-ct-known"), "portr-1-echo", hello);
            logConnect("known", round, k, round > 0 ? known : new ArrayList<>(), problems);
            if (round > 0) {
                String id = "ct-first-" + round;
                logConnect("first", round, ConnectTimeRun.run(cli, from, id, dir.resolve("home-" + id), "portr-1-echo", hello),
                        first, problems);
            }
        }
        log("## connect time summary (ms from spawning connect; ladder = setupMs as connect reports it; issue 15's goal:"
                + " first byte < 1000 ms on a known network)");
        log(String.format("%-14s %3s %9s %9s %9s %9s %8s %8s %7s %7s", "case", "n", "connect50", "connect95", "byte50",
                "byte95", "ladder50", "ladder95", "exit50", "exit95"));
        summary("known network", known);
        summary("first contact", first);
        long knownMedian = LadderBed.percentile(known.stream().map(ConnectTimeRun.Result::firstByteMs).toList(), 0.5);
        log("goal: known network first byte median " + knownMedian + " ms < 1000 ms: " + (knownMedian < 1000 ? "met" : "NOT met"));
        assertThat(problems).as("connect runs that failed, took another path or received nothing").isEmpty();
    }

    private void logConnect(String kind, int round, ConnectTimeRun.Result r, List<ConnectTimeRun.Result> into,
                            List<String> problems) {
        log(String.format("connect %-5s %2d: connected %5d, first byte %5d, exit %5d, ladder %5d, path %s, load %s%s",
                kind, round, r.connectedMs(), r.firstByteMs(), r.exitMs(), r.setupMs(), r.path(), BenchCli.load(),
                r.exit() == 0 ? "" : ", EXIT " + r.exit()));
        if (r.exit() != 0 || r.firstByteMs() < 0 || !"punch".equals(r.path())) {
            problems.add(kind + " round " + round + ": exit " + r.exit() + ", path " + r.path() + "\n" + r.output());
        } else {
            into.add(r);
        }
    }

    private void summary(String label, List<ConnectTimeRun.Result> rs) {
        Function<Function<ConnectTimeRun.Result, Long>, List<Long>> col = f -> rs.stream().map(f).toList();
        List<Long> c = col.apply(ConnectTimeRun.Result::connectedMs);
        List<Long> b = col.apply(ConnectTimeRun.Result::firstByteMs);
        List<Long> l = col.apply(ConnectTimeRun.Result::setupMs);
        List<Long> e = col.apply(ConnectTimeRun.Result::exitMs);
        log(String.format("%-14s %3d %9d %9d %9d %9d %8d %8d %7d %7d", label, rs.size(), LadderBed.percentile(c, 0.5),
                LadderBed.percentile(c, 0.95), LadderBed.percentile(b, 0.5), LadderBed.percentile(b, 0.95),
                LadderBed.percentile(l, 0.5), LadderBed.percentile(l, 0.95), LadderBed.percentile(e, 0.5),
                LadderBed.percentile(e, 0.95)));
    }

    // ---------------------------------------------------------------- bulk throughput

    /**
     * One path of the bulk part: {@code connect} from {@code from} to {@code target} on host {@code to} (and to
     * {@code target-send} for both ways), with {@code extra} options; iperf3's server on {@code to}, reached at
     * {@code iperfAddress}.
     */
    record PathCase(String path, String label, Host from, Host to, String target, String iperfAddress, List<String> extra) {}

    @Test
    @Order(3)
    void bulkThroughputVersusIperf3() throws Exception {
        if (!PARTS.contains("bulk")) {
            return;
        }
        NatTestBed bed = BED.bed();
        Host portr1 = bed.client(NatType.PORT_RESTRICTED_CONE, 1);
        Host sym0 = bed.client(NatType.SYMMETRIC, 0);
        Router r1 = bed.router(NatType.PORT_RESTRICTED_CONE, 1);
        String forwarded = r1.wanAddress().getHostAddress();
        List<PathCase> cases = List.of(
                new PathCase("direct", "open -> open#1", bed.openHost(0), bed.openHost(1), "open-1",
                        bed.openHost(1).address().getHostAddress(), List.of()),
                new PathCase("punch", "port-restricted -> port-restricted#1", bed.client(NatType.PORT_RESTRICTED_CONE, 0),
                        portr1, "portr-1", forwarded, List.of()),
                // The relay held back, so that the path measured is birthday (see BirthdayOnTestBedTest's loss case).
                new PathCase("birthday", "symmetric -> port-restricted#1", sym0, portr1, "portr-1", forwarded,
                        List.of(BIRTHDAY[0], BIRTHDAY[1], "--relay-after", "30000", "--timeout", "60000")),
                new PathCase("relay", "symmetric -> symmetric#1", sym0, bed.client(NatType.SYMMETRIC, 1), "sym-1", null,
                        List.of())).stream().filter(c -> PATHS.contains(c.path())).toList();
        // peer --send reads this link on every stream: pointed at each loss level's file in turn.
        Path back = Files.createSymbolicLink(dir.resolve("send-back"), lb.payload(16, 1));
        for (PathCase c : cases) {
            cli.target(c.to(), c.target(), BIRTHDAY);
            cli.target(c.to(), c.target() + "-send", "--send", back.toString(), BIRTHDAY[0], BIRTHDAY[1]);
        }
        // iperf3 cannot punch: forward its ports on the target's router so the flows cross both NATs like the punched path.
        r1.exec(Duration.ofSeconds(10), "nft", "insert rule ip nat prerouting iifname \"wan0\" meta l4proto { tcp, udp }"
                + " th dport " + Iperf3.PORT + " dnat to " + portr1.address().getHostAddress() + ":" + Iperf3.PORT).orThrow();
        List<String> problems = new ArrayList<>();
        log("## bulk: connect < file > /dev/null to peer > /dev/null (2 ways: peer --send a file as large); CPU s/GB ="
                + " user+sys seconds per 10^9 bytes moved, during the transfer; iperf3 " + IPERF_SECONDS + " s per run");
        for (int loss : LOSS) {
            long mib = loss == 0 ? MB : LOSS_MB;
            Path file = bigFile(mib);
            Files.delete(back);
            Files.createSymbolicLink(back, file);
            BulkTable table = new BulkTable(loss);
            log("## loss " + loss + " %, " + mib + " MiB per direction, load " + BenchCli.load());
            for (PathCase c : cases) {
                c.to().injectLoss(loss);
                try {
                    for (boolean both : new boolean[] {false, true}) {
                        String what = c.label() + " loss " + loss + (both ? " both ways" : " one way");
                        // One broken case (a timeout, iperf3 failing) is reported and the others still run.
                        try {
                            BulkRun.Result r = BulkRun.run(cli, c.from(), "b-" + c.path(), c.target() + (both ? "-send" : ""),
                                    file, mib << 20, both, c.extra(), Duration.ofMinutes(10));
                            log(BulkRun.line(c.label(), both, r));
                            if (r.exit() != 0 || !c.path().equals(r.path())) {
                                problems.add(what + ": " + r.note());
                            }
                            Iperf3.Result tcp = reference(c, both, Iperf3.Proto.TCP);
                            // UDP one way only: iperf3 (3.12) runs --bidir -b 0 in one thread, which then drops 85-90 % of
                            // its own datagrams (ladder-2026-12-07-1635.txt) — a measure of iperf3, not of the path.
                            boolean quic = c.path().equals("punch") || c.path().equals("birthday");
                            Iperf3.Result udp = quic && !both ? reference(c, false, Iperf3.Proto.UDP) : null;
                            table.add(new BulkTable.Row(c.path(), both, mib, r, tcp, udp));
                        } catch (Exception | AssertionError e) {
                            log("ERROR " + what + ": " + String.valueOf(e).lines().findFirst().orElse(""));
                            problems.add(what + ": " + e);
                        }
                    }
                } finally {
                    c.to().clearLoss();
                }
            }
            table.print(this::log);
        }
        assertThat(problems).as("bulk runs that failed or took another path").isEmpty();
    }

    /** iperf3 between the path's hosts; for the relay, each leg, and the slower one is returned. */
    private Iperf3.Result reference(PathCase c, boolean both, Iperf3.Proto proto) throws Exception {
        if (c.iperfAddress() != null) {
            Iperf3.Result r = Iperf3.run(c.label(), c.to(), c.from(), c.iperfAddress(), IPERF_SECONDS, proto, both, false);
            log(r.line());
            return r;
        }
        var server = BED.bed().server();
        String srv = server.primaryAddress().getHostAddress();
        Iperf3.Result leg1 = Iperf3.run("relay leg 1: " + c.from().label() + " -> server", server, c.from(), srv,
                IPERF_SECONDS, proto, both, false);
        Iperf3.Result leg2 = Iperf3.run("relay leg 2: server -> " + c.to().label() + " (-R)", server, c.to(), srv,
                IPERF_SECONDS, proto, both, true);
        log(leg1.line());
        log(leg2.line());
        return leg1.mbps() <= leg2.mbps() ? leg1 : leg2;
    }

    /** {@code mib} MiB of seeded random bytes, written once. */
    private static Path bigFile(long mib) throws IOException {
        Path f = dir.resolve("bulk-" + mib);
        if (!Files.exists(f)) {
            try (RandomAccessFile out = new RandomAccessFile(f.toFile(), "rw")) {
                byte[] b = new byte[1 << 20];
                Random r = new Random(12);
                for (long i = 0; i < mib; i++) {
                    r.nextBytes(b);
                    out.write(b);
                }
            }
        }
        return f;
    }
}
