package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.PortRange;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's benchmark of the raw birthday mechanism (no QUIC) on the bed's real symmetric NAT: the hard side in
 * {@code c-sym} (behind {@code r-sym}, {@code masquerade fully-random}, R from {@code Router.externalPortRange()}),
 * the easy side in {@code c-portr} (port-restricted cone), one long-lived JVM each ({@link BirthdayBenchMain}),
 * hundreds of trials per (N, M) setting; then port prediction on {@code r-seq} (SYMMETRIC_SEQUENTIAL). Success rate
 * with a 95 % Wilson interval beside 1-(1-N/R)^M, time to the first hit (median, p95), packets per success.
 * Tag {@code bench}: never part of {@code ./test.sh}; run by {@code bench/birthday-bench.sh}.
 */
@Tag("bench")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BirthdayBenchOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();

    @TempDir
    static Path dir;
    LadderBed lb;
    HostProcess easyJvm;
    HostProcess hardJvm;
    HostProcess seqJvm;
    final StringBuilder report = new StringBuilder();
    int seq;

    @BeforeAll
    void start() {
        NatTestBed bed = BED.bed();
        lb = new LadderBed(bed, dir);
        lb.startServer();
        easyJvm = jvm(bed.client(NatType.PORT_RESTRICTED_CONE));
        hardJvm = jvm(bed.client(NatType.SYMMETRIC));
        seqJvm = jvm(bed.client(NatType.SYMMETRIC_SEQUENTIAL));
    }

    private HostProcess jvm(Host h) {
        HostProcess p = h.start(h.javaCommand(BirthdayBenchMain.class.getName()));
        lb.running.add(p);
        p.awaitOutput(Pattern.compile("^BENCH-READY"), Duration.ofSeconds(60));
        return p;
    }

    @AfterAll
    void stop() throws IOException {
        if (lb != null) {
            lb.close();
        }
        String out = System.getProperty("peerlink.bench.out");
        System.out.println(report);
        if (out != null && !out.isEmpty()) {
            Files.writeString(Path.of(out), report.toString(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    record Trial(boolean hit, long ms, int sent, boolean hardHit, int probesToHit) {}

    private static String cmd(HostProcess p, String line, Pattern answer) {
        try {
            p.stdin().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            p.stdin().flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Matcher m = p.awaitOutput(answer, Duration.ofSeconds(60));
        return m.group(0);
    }

    /** One trial; {@code delta} > 0 asks the hard side to predict. */
    private Trial trial(HostProcess hard, String hardIp, int n, int m, int rate, PortRange range, int delta) {
        String id = "t" + (++seq);
        String stun = lb.bed.server().primaryAddress().getHostAddress() + ":3478";
        String mapped = cmd(easyJvm, "easy-map " + id + " " + stun, Pattern.compile("^(MAPPED|ERROR) " + id + " .*"));
        String[] mp = mapped.split(" ");
        if (!mp[0].equals("MAPPED") || mp[2].equals("-")) {
            throw new IllegalStateException("no STUN mapping: " + mapped);
        }
        String ready = cmd(hard, "hard-open " + id + " " + n + " " + mp[2] + " " + hardIp + " " + range.first() + " "
                + range.last() + " " + delta + " " + stun, Pattern.compile("^(READY|ERROR) " + id + " .*"));
        String[] rp = ready.split(" ");
        if (!rp[0].equals("READY")) {
            throw new IllegalStateException(ready);
        }
        String result = cmd(easyJvm, "easy-probe " + id + " " + hardIp + " " + m + " " + rate + " " + range.first() + " "
                + range.last() + " " + rp[2], Pattern.compile("^(RESULT|ERROR) " + id + " .*"));
        String[] r = result.split(" ");
        if (!r[0].equals("RESULT")) {
            throw new IllegalStateException(result);
        }
        boolean hit = r[2].equals("hit");
        String hardOut = cmd(hard, "hard-await " + id + " " + (hit ? 3000 : 200), Pattern.compile("^HARD " + id + " .*"));
        return new Trial(hit, Long.parseLong(r[3]), Integer.parseInt(r[4]), hardOut.contains(" hit "), Integer.parseInt(r[4]));
    }

    private void setting(String label, HostProcess hard, String hardIp, int n, int m, int rate, PortRange range,
                         int delta, int trials, double rForTheory) {
        List<Trial> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < trials; i++) {
            ts.add(trial(hard, hardIp, n, m, rate, range, delta));
        }
        long wall = (System.nanoTime() - t0) / 1_000_000_000L;
        int k = (int) ts.stream().filter(Trial::hit).count();
        double[] ci = wilson(k, trials);
        double theory = 1 - Math.pow(1 - n / rForTheory, m);
        List<Long> hitMs = ts.stream().filter(Trial::hit).map(Trial::ms).toList();
        long sentTotal = ts.stream().mapToLong(Trial::sent).sum() + (long) n * trials;
        int hardOnly = (int) ts.stream().filter(t -> t.hardHit() && !t.hit()).count();
        double probesPerHit = ts.stream().filter(Trial::hit).mapToInt(Trial::probesToHit).average().orElse(Double.NaN);
        String row = String.format("| %s | %d | %d | %d/s | %d | %d | %.1f %% [%.1f, %.1f] | %.1f %% | %s | %d | %d | %.0f | %s |",
                label, n, m, rate, trials, k, 100.0 * k / trials, 100 * ci[0], 100 * ci[1], 100 * theory,
                within(theory, ci) ? "yes" : "NO", LadderBed.percentile(hitMs, 0.5), LadderBed.percentile(hitMs, 0.95),
                probesPerHit, k == 0 ? "-" : String.format("%.0f", (double) sentTotal / k));
        report.append(row).append(hardOnly > 0 ? "  (hard side hit but RESPONSE lost: " + hardOnly + ")" : "")
                .append(String.format("  wall %d s%n", wall));
        System.out.println(row);
    }

    private static boolean within(double x, double[] ci) {
        return x >= ci[0] && x <= ci[1];
    }

    /** 95 % Wilson score interval. */
    static double[] wilson(int k, int n) {
        double z = 1.959964;
        double p = (double) k / n;
        double den = 1 + z * z / n;
        double centre = (p + z * z / (2.0 * n)) / den;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / den;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    @Test
    void birthdayOnTheRealSymmetricNat() {
        NatTestBed bed = BED.bed();
        PortRange r = bed.router(NatType.SYMMETRIC).externalPortRange().orElseThrow();
        String hardIp = bed.router(NatType.SYMMETRIC).wanAddress().getHostAddress();
        int trials = Integer.getInteger("peerlink.bench.trials", 200);
        int fast = Integer.getInteger("peerlink.bench.fastRate", 2000);
        report.append(String.format("# %s birthday bench: hard c-sym behind r-sym (R = %d, %d-%d), easy c-portr; %d trials per setting%n",
                Instant.now(), r.size(), r.first(), r.last(), trials));
        report.append("| setting | N | M | rate | trials | hits | success [95 % Wilson] | theory 1-(1-N/R)^M | theory in CI | median ms to hit | p95 ms | probes per hit | packets per success (N+probes) |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        setting("small", hardJvm, hardIp, 64, 512, fast, r, 0, trials, r.size());
        setting("medium", hardJvm, hardIp, 256, 256, fast, r, 0, trials, r.size());
        setting("seed 003", hardJvm, hardIp, 400, 500, fast, r, 0, trials, r.size());
        setting("default", hardJvm, hardIp, 256, 1024, 500, r, 0, trials, r.size());
        assertThat(report).isNotEmpty();
    }

    @Test
    void portPredictionOnTheSequentialNat() {
        NatTestBed bed = BED.bed();
        var router = bed.router(NatType.SYMMETRIC_SEQUENTIAL);
        String hardIp = router.wanAddress().getHostAddress();
        int delta = router.portDelta().orElse(1);
        PortRange probeRange = new PortRange(1024, 65535); // what a device assumes without knowing the NAT's range
        int trials = Integer.getInteger("peerlink.bench.predictTrials", 100);
        report.append(String.format("# port prediction: hard c-seq behind r-seq (%s, delta %d), easy c-portr; the hard side "
                + "predicts from one STUN binding; N = 16, M = 64, random ports over 1024-65535 after the predictions%n",
                router.externalPortRange().map(Object::toString).orElse("?"), delta));
        setting("predicted", seqJvm, hardIp, 16, 64, 500, probeRange, delta, trials, probeRange.size());
        setting("not predicted", seqJvm, hardIp, 16, 64, 500, probeRange, 0, Math.min(trials, 50), probeRange.size());
    }
}
