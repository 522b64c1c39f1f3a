package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.PortRange;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 item 4: what a bounded two-sided birthday attempt achieves when both NATs are random symmetric
 * ({@code masquerade fully-random}): {@code c-sym} and {@code c-sym#1} each open N sockets ({@code PredictSide}, one
 * {@link BirthdayBenchMain} JVM per side), and socket i sends to one random port of the peer's range, {@code ROUNDS}
 * times. A packet passes only if one side's mapping aims at the other's external port and that mapping aims back: each
 * of the N² socket pairs meets with chance 1/R², so success = 1 - (1 - 1/R²)^(N²) ≈ N²/R². Checked on a bed whose
 * symmetric routers use R = 256 (theory measurable), then the real range. Tag {@code bench}:
 * {@code bench/two-sided-birthday-bench.sh}.
 */
@Tag("bench")
class TwoSidedBirthdayBenchOnTestBedTest {
    static final int ROUNDS = 3;
    static final int INTERVAL_MS = 100;
    /** Flush both routers' conntrack before each trial (default when the conntrack tool is installed). */
    static final boolean FLUSH = Boolean.parseBoolean(System.getProperty("peerlink.bench.flush", "true"))
            && dev.peerlink.testkit.netns.Router.canFlushConntrack();
    final StringBuilder report = new StringBuilder();
    int seq;

    @Test
    void twoSidedBirthdayOnTwoRandomSymmetricNats() throws Exception {
        TestBedAssumptions.assumeAvailable();
        int trials = Integer.getInteger("peerlink.bench.trials", 200);
        report.append(String.format("# %s two-sided birthday bench: c-sym and c-sym#1 (both masquerade fully-random), "
                + "N sockets each side, socket i -> one random peer port, %d rounds %d ms apart%n", Instant.now(), ROUNDS,
                INTERVAL_MS));
        report.append(FLUSH ? "# both routers' conntrack tables flushed before every trial (no mapping of an earlier trial "
                + "left)\n" : "# conntrack not flushed between trials (mappings of earlier trials live on for the UDP timeout)\n");
        report.append("| R | N each side | trials | hits | success [95 % Wilson] | theory 1-(1-1/R²)^(N²) | theory in CI "
                + "| median ms to hit | packets sent (both sides, all trials) | packets per success |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|\n");
        try (NatTestBed bed = NatTestBed.builder().symmetricPortRange(new PortRange(20000, 20255)).start()) {
            run(bed, new int[] {64, 128}, trials);
        }
        int fullRangeTrials = Math.min(trials, Integer.getInteger("peerlink.bench.fullRangeTrials", 100));
        if (fullRangeTrials > 0) {
            try (NatTestBed bed = NatTestBed.start()) {
                run(bed, new int[] {512}, fullRangeTrials);
            }
        }
        System.out.println(report);
        String out = System.getProperty("peerlink.bench.out");
        if (out != null && !out.isEmpty()) {
            Files.writeString(Path.of(out), report.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        assertThat(report).isNotEmpty();
    }

    private void run(NatTestBed bed, int[] sizes, int trials) throws IOException {
        var ra = bed.router(NatType.SYMMETRIC, 0);
        var rb = bed.router(NatType.SYMMETRIC, 1);
        PortRange range = ra.externalPortRange().orElse(new PortRange(1024, 65535));
        try (HostProcess a = jvm(bed.client(NatType.SYMMETRIC, 0)); HostProcess b = jvm(bed.client(NatType.SYMMETRIC, 1))) {
            String ipA = ra.wanAddress().getHostAddress();
            String ipB = rb.wanAddress().getHostAddress();
            for (int n : sizes) {
                int hits = 0;
                long sent = 0;
                List<Long> hitMs = new ArrayList<>();
                for (int i = 0; i < trials; i++) {
                    String id = "p" + (++seq);
                    if (FLUSH) {
                        ra.flushConntrack();
                        rb.flushConntrack();
                    }
                    cmd(a, "pair-open " + id + " " + n + " true", "OPENED " + id);
                    cmd(b, "pair-open " + id + " " + n + " false", "OPENED " + id);
                    send(a, "pair-start " + id + " " + ipB + " " + ipA + " " + range.first() + " " + range.last() + " "
                            + ROUNDS + " " + INTERVAL_MS);
                    send(b, "pair-start " + id + " " + ipA + " " + ipB + " " + range.first() + " " + range.last() + " "
                            + ROUNDS + " " + INTERVAL_MS);
                    cmd(a, null, "STARTED " + id);
                    cmd(b, null, "STARTED " + id);
                    String[] ra2 = cmd(a, "pair-await " + id, "PAIR " + id + " .*").split(" ");
                    String[] rb2 = cmd(b, "pair-await " + id, "PAIR " + id + " .*").split(" ");
                    sent += Long.parseLong(ra2[4]) + Long.parseLong(rb2[4]);
                    if (ra2[2].equals("hit") || rb2[2].equals("hit")) {
                        hits++;
                        hitMs.add(Math.min(ra2[2].equals("hit") ? Long.parseLong(ra2[3]) : Long.MAX_VALUE,
                                rb2[2].equals("hit") ? Long.parseLong(rb2[3]) : Long.MAX_VALUE));
                    }
                }
                double r = range.size();
                double theory = 1 - Math.pow(1 - 1 / (r * r), (double) n * n);
                double[] ci = BirthdayBenchOnTestBedTest.wilson(hits, trials);
                String row = String.format("| %d | %d | %d | %d | %.2f %% [%.2f, %.2f] | %.3f %% | %s | %s | %d | %s |%n",
                        range.size(), n, trials, hits, 100.0 * hits / trials, 100 * ci[0], 100 * ci[1], 100 * theory,
                        theory >= ci[0] && theory <= ci[1] ? "yes" : "NO",
                        hitMs.isEmpty() ? "-" : String.valueOf(LadderBed.percentile(hitMs, 0.5)), sent,
                        hits == 0 ? "> " + sent + " (none)" : String.valueOf(sent / hits));
                report.append(row);
                System.out.print(row);
            }
        }
    }

    private static HostProcess jvm(Host h) {
        HostProcess p = h.start(h.javaCommand(BirthdayBenchMain.class.getName()));
        p.awaitOutput(Pattern.compile("^BENCH-READY"), Duration.ofSeconds(60));
        return p;
    }

    private static void send(HostProcess p, String line) throws IOException {
        p.stdin().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        p.stdin().flush();
    }

    private static String cmd(HostProcess p, String line, String answer) throws IOException {
        if (line != null) {
            send(p, line);
        }
        return p.awaitOutput(Pattern.compile("^" + answer + "$"), Duration.ofSeconds(30)).group(0);
    }
}
