package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedExtension;
import dev.peerlink.testkit.netns.HostProcess;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 on the real symmetric NAT, beyond the matrix: a relayed connection moves to {@code birthday} mid-stream
 * when birthday punching succeeds later; and a birthday step whose probe budget is exhausted falls back to the relay cleanly. The symmetric device
 * ({@code c-sym}, long-lived {@code peer --echo}) opens its 256 sockets; the port-restricted initiator is given a
 * budget of 4 probes over ports 1-4, which the symmetric NAT never allocates (its range is 1024-65535), so it cannot hit. The connection must come up over the relay with the data intact,
 * and afterwards the symmetric host's namespace must hold no more UDP sockets than before (all 256 released).
 */
@Tag("system")
class BirthdayOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();

    @TempDir
    Path dir;

    static int udpSockets(Host h) {
        var r = h.exec(Duration.ofSeconds(5), "ss", "-Huan");
        return (int) r.stdout().lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void anExhaustedBudgetFallsBackToTheRelayAndReleasesEverySocket() throws Exception {
        NatTestBed bed = BED.bed();
        try (LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            Host hard = bed.client(NatType.SYMMETRIC);
            Host easy = bed.client(NatType.PORT_RESTRICTED_CONE);
            lb.startPeer(hard, "hard-echo");
            // the baseline once the peer's start-up sockets (NAT discovery) are gone: two equal samples in a row
            AtomicInteger last = new AtomicInteger(-1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        int n = udpSockets(hard);
                        return n == last.getAndSet(n);
                    });
            int before = last.get();
            AtomicInteger peak = new AtomicInteger();
            java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(udpSockets(hard), Math::max), 0, 100,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            LadderBed.Outcome o;
            try {
                o = lb.connect(easy, "easy-c", "hard-echo", lb.payload(1 << 20, 5), Duration.ofSeconds(60),
                        "--birthday", "256,4,500,1-4");
            } finally {
                sampler.shutdown();
                sampler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            System.out.println("fallback: path " + o.path() + " in " + o.setupMs() + " ms, UDP sockets in c-sym: before "
                    + before + ", peak " + peak.get());
            assertThat(o.intact()).as(o.output()).isTrue();
            assertThat(o.path()).isEqualTo("relay");
            assertThat(o.setupMs()).as("the relay waits for the birthday budget, not for long").isLessThan(8000);
            assertThat(peak.get()).as("the hard side opened its N = 256 sockets").isGreaterThanOrEqualTo(before + 256);
            // The responder's ladder ends at its 12 s timeout at the latest; every birthday socket is gone by then.
            AtomicInteger after = new AtomicInteger();
            org.awaitility.Awaitility.await("no UDP socket leaked on the symmetric side").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        after.set(udpSockets(hard));
                        return after.get() <= before;
                    });
            System.out.println("fallback: UDP sockets in c-sym after: " + after.get());
        }
    }

    @Test
    void aRelayedConnectionMovesToBirthdayMidStream() throws Exception {
        NatTestBed bed = BED.bed();
        try (LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            // The default budget succeeds ~98 % of the time (a CI run met the other 2 %); this test is about the move,
            // so a bigger budget makes chance irrelevant: 1-(1-512/64512)^2048 > 0.99999.
            String[] budget = {"--birthday", "512,2048,1000"};
            lb.startPeer(bed.client(NatType.SYMMETRIC), "hard-move", budget);
            // The easy initiator: relay at once, birthday punching only after 2.5 s — the connection starts relayed.
            Path out = dir.resolve("move.out");
            HostProcess c = lb.startConnect(bed.client(NatType.PORT_RESTRICTED_CONE), "easy-move", "hard-move", out,
                    "--relay-after", "0", "--birthday-after", "2500", budget[0], budget[1]);
            assertThat(c.awaitOutput(LadderBed.CONNECTED, LadderBed.STEP).group(1)).isEqualTo("relay");
            byte[] first = new byte[2 << 20];
            byte[] second = new byte[6 << 20];
            new Random(21).nextBytes(first);
            new Random(22).nextBytes(second);
            OutputStream in = c.stdin();
            in.write(first);
            in.flush();
            c.awaitOutput(Pattern.compile("\\{\"event\":\"path\",\"from\":\"relay\",\"to\":\"birthday\"}"), LadderBed.STEP);
            in.write(second);
            in.close();
            assertThat(c.awaitExit(Duration.ofSeconds(60))).as(c.describeOutput()).isZero();
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(first);
            d.update(second);
            assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out))).isEqualTo(d.digest());
        }
    }

    @Test
    void aSequentialSymmetricNatIsReachedThroughPredictedPorts() throws Exception {
        NatTestBed bed = BED.bed();
        try (LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            var hard = lb.startPeer(bed.client(NatType.SYMMETRIC_SEQUENTIAL), "seq-echo");
            LadderBed.Outcome o = lb.connect(bed.client(NatType.PORT_RESTRICTED_CONE), "easy-seq", "seq-echo",
                    lb.payload(1 << 20, 7), Duration.ofSeconds(60));
            System.out.println("sequential NAT: path " + o.path() + " in " + o.setupMs() + " ms; "
                    + hard.stderrLines().stream().filter(l -> l.contains("birthday")).toList());
            assertThat(o.intact()).as(o.output()).isTrue();
            assertThat(o.path()).isEqualTo("birthday");
            assertThat(hard.stderrLines()).as("the probe that hit was a predicted port")
                    .anyMatch(l -> l.contains("birthday: a probe from") && l.contains("(predicted)"));
        }
    }

    @Test
    void fivePercentLossOnBothRoutersStillConnectsByBirthday() throws Exception {
        NatTestBed bed = BED.bed();
        try (LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            // Loss lowers the odds (an OPEN is lost 5 % of the time, a probe crosses two lossy routers): a bigger
            // budget than the default keeps the test deterministic in practice, 1-(1-486/64512)^1843 > 0.99999.
            String[] budget = {"--birthday", "512,2048,1000"};
            lb.startPeer(bed.client(NatType.PORT_RESTRICTED_CONE), "easy-lossy", budget);
            bed.router(NatType.SYMMETRIC).injectLoss(5);
            bed.router(NatType.PORT_RESTRICTED_CONE).injectLoss(5);
            try {
                // The question is whether birthday punching gets through loss, not whether it beats the relay's 3 s
                // start: 2048 probes at 1000/s take longer than that on a loaded machine (a CI run saw the relay win at
                // 3.5 s), so the relay is held back here.
                LadderBed.Outcome o = lb.connect(bed.client(NatType.SYMMETRIC), "hard-lossy", "easy-lossy",
                        lb.payload(2 << 20, 8), Duration.ofSeconds(120), budget[0], budget[1], "--relay-after", "30000", "--timeout", "60000");
                System.out.println("5% loss each router: " + o.path() + " in " + o.setupMs() + " ms");
                assertThat(o.intact()).as(o.output()).isTrue();
                assertThat(o.path()).isEqualTo("birthday");
            } finally {
                bed.router(NatType.SYMMETRIC).clearLoss();
                bed.router(NatType.PORT_RESTRICTED_CONE).clearLoss();
            }
        }
    }
}
