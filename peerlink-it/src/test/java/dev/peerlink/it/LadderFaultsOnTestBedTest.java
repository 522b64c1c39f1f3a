package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.testkit.netns.Host;
import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.Router;
import dev.peerlink.testkit.netns.TestBedExtension;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's faults on real NAT, through the CLI: the server restarting under an established connection, 5 % packet
 * loss, the relay vanishing mid-transfer, and a target that went offline.
 */
@Tag("system")
class LadderFaultsOnTestBedTest {
    @RegisterExtension
    static final TestBedExtension BED = TestBedExtension.create();

    @TempDir
    Path dir;
    LadderBed lb;

    @BeforeEach
    void start() {
        lb = new LadderBed(BED.bed(), dir);
        lb.startServer();
    }

    @AfterEach
    void stop() {
        lb.close();
        for (Router r : BED.bed().routers()) {
            r.clearLoss();
        }
    }

    static byte[] chunk(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void serverRestartMidSessionKeepsTheDirectConnectionFlowingAndDevicesReRegister() throws Exception {
        NatTestBed bed = BED.bed();
        HostProcess target = lb.startPeer(bed.client(NatType.FULL_CONE), "target");
        Path out = dir.resolve("restart.out");
        HostProcess c = lb.startConnect(bed.client(NatType.PORT_RESTRICTED_CONE), "initiator", "target", out);
        Matcher m = c.awaitOutput(LadderBed.CONNECTED, LadderBed.STEP);
        assertThat(m.group(1)).isNotEqualTo("relay");
        byte[] first = chunk(4 << 20, 1);
        byte[] second = chunk(4 << 20, 2);
        OutputStream in = c.stdin();
        in.write(first);
        in.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(out) && Files.size(out) == first.length);

        lb.stopServer();
        lb.startServer();
        // The established connection does not need the server: the second half flows while devices re-register.
        in.write(second);
        in.close();
        assertThat(c.awaitExit(Duration.ofSeconds(60))).as(c.describeOutput()).isZero();
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(expected));
        await().atMost(Duration.ofSeconds(60)).until(() -> target.stderrLines().stream()
                .filter(l -> l.contains("target: registered at")).count() >= 2);
        // Identity survived the restart (SQLite): the re-registered target is reachable again.
        LadderBed.Outcome again = lb.connect(bed.client(NatType.RESTRICTED_CONE), "later", "target",
                lb.payload(256 * 1024, 3), Duration.ofSeconds(90));
        assertThat(again.intact()).as(again.output()).isTrue();
    }

    @Test
    void relayedConnectionMovesToTheHolePunchedPathMidStream() throws Exception {
        NatTestBed bed = BED.bed();
        // Relay at once, hole punching only after 2.5 s on both sides: the connection starts relayed and must move.
        String[] timing = {"--relay-after", "0", "--punch-after", "2500"};
        lb.startPeer(bed.client(NatType.RESTRICTED_CONE), "move-target", timing);
        Path out = dir.resolve("move.out");
        HostProcess c = lb.startConnect(bed.client(NatType.PORT_RESTRICTED_CONE), "move-initiator", "move-target", out,
                timing);
        assertThat(c.awaitOutput(LadderBed.CONNECTED, LadderBed.STEP).group(1)).isEqualTo("relay");
        byte[] first = chunk(2 << 20, 11);
        byte[] second = chunk(6 << 20, 12);
        OutputStream in = c.stdin();
        in.write(first);
        in.flush();
        c.awaitOutput(Pattern.compile("\\{\"event\":\"path\",\"from\":\"relay\",\"to\":\"punch\"}"), LadderBed.STEP);
        in.write(second);
        in.close();
        assertThat(c.awaitExit(Duration.ofSeconds(60))).as(c.describeOutput()).isZero();
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(expected));
    }

    @Test
    void fivePercentLossStillConnectsAndTransfersIntact() throws Exception {
        NatTestBed bed = BED.bed();
        Host targetHost = bed.client(NatType.RESTRICTED_CONE);
        Host initiatorHost = bed.client(NatType.PORT_RESTRICTED_CONE);
        lb.startPeer(targetHost, "lossy-target");
        bed.router(NatType.RESTRICTED_CONE).injectLoss(5);
        bed.router(NatType.PORT_RESTRICTED_CONE).injectLoss(5);
        LadderBed.Outcome o = lb.connect(initiatorHost, "lossy-initiator", "lossy-target", lb.payload(4 << 20, 5),
                Duration.ofSeconds(120));
        assertThat(o.intact()).as(o.output()).isTrue();
        assertThat(o.path()).isIn("punch", "direct");
        System.out.println("5% loss each router: connected by " + o.path() + " in " + o.setupMs() + " ms");
    }

    @Test
    void relayDisappearingMidTransferFailsTheConnectionCleanly() throws Exception {
        NatTestBed bed = BED.bed();
        lb.startPeer(bed.client(NatType.SYMMETRIC, 1), "sym-target");
        Path out = dir.resolve("relay.out");
        HostProcess c = lb.startConnect(bed.client(NatType.SYMMETRIC, 0), "sym-initiator", "sym-target", out);
        Matcher m = c.awaitOutput(LadderBed.CONNECTED, LadderBed.STEP);
        assertThat(m.group(1)).isEqualTo("relay");
        OutputStream in = c.stdin();
        in.write(chunk(1 << 20, 6));
        in.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(out) && Files.size(out) == 1 << 20);
        long t0 = System.nanoTime();
        lb.stopServer(); // the relay runs in the server process: it vanishes with the connection on it
        // No other path exists between two symmetric NATs, so the connection must fail, promptly and clearly.
        int exit = c.awaitExit(Duration.ofSeconds(30));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(exit).isNotZero();
        assertThat(String.join("\n", c.stderrLines())).contains("connect: connection to sym-target lost");
        System.out.println("relay gone: connect exited " + exit + " after " + ms + " ms");
    }

    @Test
    void targetThatWentOfflineGivesAnErrorNotAHang() throws Exception {
        NatTestBed bed = BED.bed();
        HostProcess target = lb.startPeer(bed.client(NatType.FULL_CONE), "gone");
        target.close(); // the process ends; its signalling connection closes
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            LadderBed.Outcome o = lb.connect(bed.openHost(), "asker", "gone", lb.payload(1024, 7), Duration.ofSeconds(60));
            return o.exit() == 2 && o.output().contains("gone is offline");
        });
        LadderBed.Outcome unknown = lb.connect(bed.openHost(), "asker", "nobody", lb.payload(1024, 7), Duration.ofSeconds(60));
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("no device nobody is registered");
    }

    @Test
    void targetThatRefusesGivesExit3() throws Exception {
        NatTestBed bed = BED.bed();
        lb.startPeer(bed.client(NatType.FULL_CONE), "picky", "--allow", "friend");
        LadderBed.Outcome o = lb.connect(bed.openHost(), "stranger", "picky", lb.payload(1024, 9), Duration.ofSeconds(60));
        assertThat(o.exit()).as(o.output()).isEqualTo(3);
        assertThat(o.output()).contains("connect: picky refused the connection");
    }

    @Test
    void targetCutOffTheNetworkGivesAnErrorNotAHang() throws Exception {
        NatTestBed bed = BED.bed();
        lb.startPeer(bed.client(NatType.RESTRICTED_CONE), "cut");
        bed.router(NatType.RESTRICTED_CONE).breakLink();
        try {
            long t0 = System.nanoTime();
            LadderBed.Outcome o = lb.connect(bed.openHost(), "asker2", "cut", lb.payload(1024, 8), Duration.ofSeconds(120));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(o.exit()).as(o.output()).isEqualTo(2);
            assertThat(o.output()).contains("connect: cut did not answer");
            System.out.println("target cut off: connect exited " + o.exit() + " after " + ms + " ms");
        } finally {
            bed.router(NatType.RESTRICTED_CONE).restoreLink();
        }
    }
}
