package dev.peerlink.peer.internal.birthday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two-sided port prediction: the meeting arithmetic, and both sides on loopback with consecutive local ports. */
class PredictTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final int K = PredictStep.SOCKETS;
    static final int C = PredictStep.CYCLE;

    /**
     * Simulates two sequential NATs (δ = 3 and 1) whose counters moved sA and sB times between the STUN binding and the
     * first send: the initiator's m-th mapping is at PA + (m + sA)·δA towards its target, the other's n-th likewise.
     */
    static boolean meets(int sA, int sB, int cycle) {
        int pa = 40000;
        int da = 3;
        int pb = 50000;
        int db = 1;
        for (int m = 1; m <= K; m++) {
            for (int n = 1; n <= K; n++) {
                int aExternal = pa + (m + sA) * da;
                int bExternal = pb + (n + sB) * db;
                if (PredictSide.target(pb, db, m, true, cycle) == bExternal
                        && PredictSide.target(pa, da, n, false, cycle) == aExternal) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void anyTotalShiftBelowTheCycleLeavesAMeetingPair() {
        for (int sA = 0; sA < C; sA++) {
            for (int sB = 0; sA + sB < C; sB++) {
                assertThat(meets(sA, sB, C)).as("shifts %d and %d", sA, sB).isTrue();
            }
        }
        // without the other side's offset cycle one stray mapping on either NAT already breaks every pair
        assertThat(meets(0, 0, 1)).isTrue();
        assertThat(meets(1, 0, 1)).isFalse();
        assertThat(meets(0, 1, 1)).isFalse();
    }

    @Test
    void targetsStayInsideThePortRange() {
        assertThat(PredictSide.target(65530, 1, 10, true, C)).isEqualTo(-1);
        assertThat(PredictSide.target(100, -1, 5, false, C)).isEqualTo(90);
        assertThat(PredictSide.target(5, -1, 5, true, C)).isEqualTo(-1);
    }

    @Test
    void bothSidesPickTheSameSocketPairAndReleaseTheRest() throws Exception {
        int before = BirthdaySockets.open();
        int baseA = 20000 + ThreadLocalRandom.current().nextInt(10000);
        int baseB = baseA + 100;
        // no NAT on loopback: consecutive local ports stand in for a sequential NAT with δ = 1 and no shift
        PredictSide a = PredictSide.open("predict-session", true, ports(baseA));
        PredictSide b = PredictSide.open("predict-session", false, ports(baseB));
        assertThat(BirthdaySockets.open()).isEqualTo(before + 2 * K);
        a.start(LO, LO, baseB, 1, C, 10, Duration.ofMillis(50), 3, Duration.ofSeconds(3));
        b.start(LO, LO, baseA, 1, C, 10, Duration.ofMillis(50), 3, Duration.ofSeconds(3));
        PredictSide.Pick pa = a.pick().get(5, TimeUnit.SECONDS);
        PredictSide.Pick pb = b.pick().get(5, TimeUnit.SECONDS);
        assertThat(pa.peer().getPort()).isEqualTo(pb.channel().socket().getLocalPort());
        assertThat(pb.peer().getPort()).isEqualTo(pa.channel().socket().getLocalPort());
        assertThat(pa.externalPort()).isEqualTo(pa.channel().socket().getLocalPort());
        DatagramChannel ca = a.handOff();
        DatagramChannel cb = b.handOff();
        await().atMost(Duration.ofSeconds(2)).until(() -> a.openSockets() == 0 && b.openSockets() == 0);
        assertThat(BirthdaySockets.open()).isEqualTo(before);
        assertThat(ca.isOpen() && cb.isOpen()).isTrue();
        ca.close();
        cb.close();
        a.close();
        b.close();
    }

    @Test
    void noPeerMeansBothSidesGiveUpAndCloseEverything() throws Exception {
        int before = BirthdaySockets.open();
        PredictSide a = PredictSide.open("predict-session", true, new int[K]);
        // the peer's predicted ports are on a documentation address that nothing answers from
        a.start(InetAddress.getByName("192.0.2.1"), LO, 40000, 1, C, 2, Duration.ofMillis(20), 3,
                Duration.ofMillis(300));
        await().atMost(Duration.ofSeconds(3)).until(() -> a.pick().isCompletedExceptionally());
        await().atMost(Duration.ofSeconds(2)).until(() -> BirthdaySockets.open() == before);
        assertThat(a.probesSent()).isLessThanOrEqualTo(2 * K);
    }

    private static int[] ports(int base) {
        int[] p = new int[K];
        for (int i = 0; i < K; i++) {
            p[i] = base + 1 + i;
        }
        return p;
    }
}
