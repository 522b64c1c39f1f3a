package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.it.ExitBed.Curl;
import dev.peerlink.it.ExitBed.Provider;
import dev.peerlink.it.ExitRequestLoop.Attempt;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's benchmarks on the NAT bed, through the real CLI (tagged {@code bench}, never part of ./test.sh;
 * {@code bench/exit-bench.sh} runs it). Two providers ({@code cone} behind a full-cone NAT, reached directly;
 * {@code portr} behind a port-restricted NAT, reached through the server's relay from the symmetric requester),
 * one {@code share use --providers 2}, the python web server on the open host. With references in the same run:
 * <ol>
 *   <li>bulk throughput of {@code /gen?bytes=MB} through the SOCKS5 proxy vs curl run directly on the exit
 *       provider's host to the same server, and the provider JVM's CPU time (utime + stime from /proc) per Gbit it
 *       forwarded (the requester's too);</li>
 *   <li>time to first byte of {@code /small} ({@code %{time_starttransfer}}) through the proxy vs direct from the
 *       provider's host, median of {@code TTFB_N};</li>
 *   <li>failover, {@code KILLS} rounds: the current exit's provider is killed (SIGKILL) while an application loops
 *       requests ({@code curl --max-time LOOP_MAX_S}); time from the kill to the requester's {@code exit} event and
 *       to the first successful new request; the killed provider is restarted and the pool refilled between rounds.</li>
 * </ol>
 * Both exits are measured for 1 and 2: the first before the first kill, the other right after it.
 * System properties: {@code peerlink.bench.mb} (200), {@code peerlink.bench.kills} (5), {@code peerlink.bench.ttfb}
 * (10), {@code peerlink.bench.loopmax} (0.5 s), {@code peerlink.bench.jvm} (extra JVM options for the peerlink
 * processes; default none: tiered C2, G1, as ./peerlink), {@code peerlink.bench.out} (append the report there).
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExitBenchOnTestBedTest {
    static final int MB = Integer.getInteger("peerlink.bench.mb", 200);
    static final int KILLS = Integer.getInteger("peerlink.bench.kills", 5);
    static final int TTFB_N = Integer.getInteger("peerlink.bench.ttfb", 10);
    static final double LOOP_MAX_S = Double.parseDouble(System.getProperty("peerlink.bench.loopmax", "0.5"));
    static final List<String> JVM = Arrays.stream(System.getProperty("peerlink.bench.jvm", "").trim().split("\\s+"))
            .filter(s -> !s.isEmpty()).toList();
    static final int REPEAT = 3;

    private Path dir;
    private NatTestBed bed;
    private ExitBed eb;
    private PrintWriter report;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        TestBedAssumptions.assumeAvailable();
        String missing = ExitBed.unavailable();
        if (missing != null) {
            System.out.println("SKIPPED (ExitBenchOnTestBedTest): " + missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
        String out = System.getProperty("peerlink.bench.out");
        report = out == null ? new PrintWriter(System.out, true)
                : new PrintWriter(Files.newBufferedWriter(Path.of(out), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND), true);
        log("# exit bench " + Instant.now() + ": bulk " + MB + " MB x" + REPEAT + ", TTFB median of " + TTFB_N + ", " + KILLS
                + " kills, loop --max-time " + LOOP_MAX_S + " s, JVM options "
                + (JVM.isEmpty() ? "(none: tiered C2, G1, as ./peerlink)" : String.join(" ", JVM)));
        bed = NatTestBed.start();
        eb = new ExitBed(bed, dir, JVM);
        eb.start(1 << 20, NatType.FULL_CONE, NatType.PORT_RESTRICTED_CONE);
        List<Provider> ps = List.of(eb.launchProvider("cone", NatType.FULL_CONE, "31.2398,121.4998,-10"),
                eb.launchProvider("portr", NatType.PORT_RESTRICTED_CONE, "31.2399,121.4998,-10"));
        ps.forEach(ExitBed::awaitOffering);
        eb.startRequester(2);
        await().atMost(ExitBed.STEP).until(() -> eb.connected().size() == 2);
    }

    @AfterAll
    void stop() throws Exception {
        if (eb != null) {
            eb.close();
        }
        if (bed != null) {
            bed.close();
        }
        if (report != null && System.getProperty("peerlink.bench.out") != null) {
            report.close();
        }
    }

    void log(String line) {
        report.println(line);
        report.flush();
        if (System.getProperty("peerlink.bench.out") != null) {
            System.out.println(line);
        }
    }

    @Test
    void throughputTimeToFirstByteCpuAndFailover() throws Exception {
        List<Double> switchMs = new ArrayList<>();
        List<Double> recoverMs = new ArrayList<>();
        bulkAndTtfb(eb.providers.get(eb.currentExit()));
        for (int round = 1; round <= KILLS; round++) {
            await().atMost(ExitBed.STEP).until(() -> eb.connected().size() == 2);
            Provider victim = eb.providers.get(eb.currentExit());
            Provider other = eb.providers.get(eb.connected().stream().filter(id -> !id.equals(victim.id())).findFirst().orElseThrow());
            double[] t = killAndMeasure(victim, other);
            switchMs.add(t[0]);
            recoverMs.add(t[1]);
            log(String.format("failover round %d: %s killed -> exit event for %s after %.0f ms, first successful request after %.0f ms (path %s)",
                    round, victim.id(), other.id(), t[0], t[1], eb.events("exit", 0).getLast().path("path").asText()));
            if (round == 1) {
                bulkAndTtfb(other); // the other exit, on its own path, while the first is down
            }
            eb.restart(victim);
            long restarted = System.nanoTime();
            // the pool learns of it by its next find (at most every 10 s) and connects it: a connected event after the kill
            await().atMost(ExitBed.STEP).pollInterval(Duration.ofMillis(20)).until(() -> connectedAfter(victim.id(), restarted) != null);
            ExitBed.Stamped back = connectedAfter(victim.id(), restarted);
            log(String.format("  %s restarted (offering); the pool connected it again %d ms later: %s", victim.id(),
                    (back.nanos() - restarted) / 1_000_000, back.line()));
        }
        log(String.format("failover over %d kills: exit event median %.0f ms (min %.0f, max %.0f); first successful request median %.0f ms (min %.0f, max %.0f)",
                KILLS, median(switchMs), Collections.min(switchMs), Collections.max(switchMs), median(recoverMs),
                Collections.min(recoverMs), Collections.max(recoverMs)));
        assertThat(recoverMs).allMatch(ms -> ms < 15_000);
    }

    /** Kills {@code victim} during a request loop; returns {ms to the exit event, ms to the first good request}. */
    private double[] killAndMeasure(Provider victim, Provider other) throws Exception {
        try (ExitRequestLoop loop = new ExitRequestLoop(eb.requesterHost(), dir, LOOP_MAX_S)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.successesVia(victim.wan(), 0) >= 3);
            long killed = System.nanoTime();
            ExitBed.crash(victim.process());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> switchAfter(killed) != null && loop.firstSuccessAfter(killed, victim.wan()).isPresent());
            ExitBed.Stamped switched = switchAfter(killed);
            assertThat(switched.line()).contains("\"provider\":\"" + other.id() + "\"");
            Attempt a = loop.firstSuccessAfter(killed, victim.wan()).orElseThrow();
            assertThat(a.via()).isEqualTo(other.wan());
            for (ExitBed.Stamped e : eb.timeline()) {
                if (e.nanos() > killed) {
                    log(String.format("  %+6d ms %s", (e.nanos() - killed) / 1_000_000, e.line()));
                }
            }
            log(loop.describe(killed).lines().limit(8).map(l -> "  " + l.strip() + "\n").reduce("", String::concat).stripTrailing());
            return new double[] {(switched.nanos() - killed) / 1e6, (a.endNanos() - killed) / 1e6};
        }
    }

    /** The first connected event of {@code provider} after {@code nanos}, or null. */
    private ExitBed.Stamped connectedAfter(String provider, long nanos) {
        return eb.timeline().stream().filter(e -> e.nanos() > nanos && e.line().contains("\"event\":\"connected\"")
                && e.line().contains("\"provider\":\"" + provider + "\"")).findFirst().orElse(null);
    }

    /** The first exit event after {@code nanos}, or null. */
    private ExitBed.Stamped switchAfter(long nanos) {
        return eb.timeline().stream().filter(e -> e.nanos() > nanos && e.line().contains("\"event\":\"exit\""))
                .findFirst().orElse(null);
    }

    /** Bulk and TTFB through {@code exit} (the current exit) against curl run on its host directly. */
    private void bulkAndTtfb(Provider exit) throws Exception {
        assertThat(eb.currentExit()).isEqualTo(exit.id());
        String path = eb.events("exit", 0).getLast().path("path").asText();
        String label = exit.id() + " (" + exit.nat() + ", requester -> provider path " + path + ")";
        long bytes = (long) MB << 20;
        String url = ExitWeb.base(false) + "/gen?bytes=" + bytes;
        long providerPid = jvmPid(exit.process());
        long requesterPid = jvmPid(eb.requester);
        Path sink = Path.of("/dev/null");

        List<Double> direct = new ArrayList<>();
        List<Double> proxied = new ArrayList<>();
        double providerCpu = 0;
        double requesterCpu = 0;
        for (int i = 0; i < REPEAT; i++) {
            Curl d = ExitBed.curl(exit.host(), sink, 300, "--noproxy", "*", url);
            assertThat(d.ok() && d.size() == bytes).as("direct " + d).isTrue();
            direct.add(bytes / d.total() / 1e6);
            double p0 = ExitBed.cpuSeconds(providerPid);
            double r0 = ExitBed.cpuSeconds(requesterPid);
            Curl p = eb.curl(sink, 300, ExitBed.socks(url));
            providerCpu += ExitBed.cpuSeconds(providerPid) - p0;
            requesterCpu += ExitBed.cpuSeconds(requesterPid) - r0;
            assertThat(p.ok() && p.size() == bytes).as("through the exit " + p + "\n" + eb.requester.describeOutput()).isTrue();
            proxied.add(bytes / p.total() / 1e6);
        }
        double gbit = REPEAT * bytes * 8 / 1e9;
        double ratio = median(proxied) / median(direct);
        log(String.format("bulk via %s: %d MiB x%d, SOCKS5 through the exit %s MB/s (median %.1f) vs curl direct on the provider host %s MB/s (median %.1f): ratio %.2f",
                label, MB, REPEAT, fmt(proxied), median(proxied), fmt(direct), median(direct), ratio));
        log(String.format("cpu via %s: provider JVM %.2f s for %.2f Gbit = %.2f CPU-s/Gbit; requester JVM %.2f CPU-s/Gbit",
                label, providerCpu, gbit, providerCpu / gbit, requesterCpu / gbit));

        List<Curl> viaProxy = new ArrayList<>();
        List<Curl> viaDirect = new ArrayList<>();
        Path o = dir.resolve("ttfb");
        for (int i = 0; i < TTFB_N; i++) {
            Curl d = ExitBed.curl(exit.host(), o, 20, "--noproxy", "*", ExitWeb.base(false) + "/small");
            Curl p = eb.curl(o, 20, ExitBed.socks(ExitWeb.base(false) + "/small"));
            assertThat(d.ok() && p.ok()).as(d + " " + p).isTrue();
            viaDirect.add(d);
            viaProxy.add(p);
        }
        ToDoubleFunction<Curl> ttfb = c -> c.startTransfer() * 1000;
        double dm = median(viaDirect.stream().mapToDouble(ttfb).boxed().toList());
        double pm = median(viaProxy.stream().mapToDouble(ttfb).boxed().toList());
        log(String.format("ttfb via %s: /small through SOCKS5 median %.1f ms vs direct on the provider host %.1f ms: +%.1f ms (n=%d)",
                label, pm, dm, pm - dm, TTFB_N));
    }

    /** The JVM of a host process: the process itself ({@code ip netns exec} execs), or its java descendant. */
    static long jvmPid(HostProcess p) throws IOException {
        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        if (isJava(h)) {
            return h.pid();
        }
        return h.descendants().filter(ExitBenchOnTestBedTest::isJava).findFirst()
                .orElseThrow(() -> new IOException("no JVM under " + p)).pid();
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String fmt(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.1f", x)).reduce((a, b) -> a + ", " + b).orElse("");
    }
}
