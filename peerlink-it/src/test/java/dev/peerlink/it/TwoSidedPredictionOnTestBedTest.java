package dev.peerlink.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.testkit.netns.HostProcess;
import dev.peerlink.testkit.netns.NatTestBed;
import dev.peerlink.testkit.netns.NatType;
import dev.peerlink.testkit.netns.TestBedAssumptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 4 on the real sequential symmetric NATs: a device behind one {@code r-seq} router connects to a device
 * behind the other by two-sided port prediction (path {@code birthday}, not the relay), 10 MB each way intact (the
 * target echoes, the initiator compares hashes) — with δ = 1 and δ = 3. A random symmetric NAT opposite a sequential
 * one cannot be predicted: the relay starts at once. Each test builds its own matrix bed (two sequential routers).
 */
@Tag("system")
class TwoSidedPredictionOnTestBedTest {
    @TempDir
    Path dir;

    private static final int TEN_MB = 10 << 20;

    private static NatTestBed bed(int delta) {
        TestBedAssumptions.assumeAvailable();
        return NatTestBed.builder().matrix().sequentialPorts(NatTestBed.DEFAULT_SEQUENTIAL_PORTS, delta).start();
    }

    private void sequentialToSequentialIsDirect(int delta) throws Exception {
        try (NatTestBed bed = bed(delta); LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            HostProcess target = lb.startPeer(bed.client(NatType.SYMMETRIC_SEQUENTIAL, 1), "seq-b");
            LadderBed.Outcome o = lb.connect(bed.client(NatType.SYMMETRIC_SEQUENTIAL, 0), "seq-a", "seq-b",
                    lb.payload(TEN_MB, 18), Duration.ofSeconds(90));
            System.out.println("sequential (delta " + delta + ") <-> sequential: path " + o.path() + " in " + o.setupMs()
                    + " ms; " + target.stderrLines().stream().filter(l -> l.contains("two-sided")).toList());
            assertThat(o.intact()).as(o.output()).isTrue();
            assertThat(o.path()).as(o.output()).isEqualTo("birthday");
            assertThat(target.stderrLines()).as("the target met the initiator through a predicted pair")
                    .anyMatch(l -> l.contains("birthday (two-sided prediction):") && l.contains("reached our external port"));
        }
    }

    @Test
    void sequentialSymmetricToSequentialSymmetricIsDirect() throws Exception {
        sequentialToSequentialIsDirect(1);
    }

    @Test
    void sequentialSymmetricWithDeltaThreeIsDirect() throws Exception {
        sequentialToSequentialIsDirect(3);
    }

    @Test
    void aRandomSymmetricPeerSendsItStraightToTheRelay() throws Exception {
        try (NatTestBed bed = bed(1); LadderBed lb = new LadderBed(bed, dir)) {
            lb.startServer();
            lb.startPeer(bed.client(NatType.SYMMETRIC, 0), "sym-b");
            LadderBed.Outcome o = lb.connect(bed.client(NatType.SYMMETRIC_SEQUENTIAL, 0), "seq-a", "sym-b",
                    lb.payload(1 << 20, 19), Duration.ofSeconds(60));
            System.out.println("sequential -> random symmetric: path " + o.path() + " in " + o.setupMs() + " ms");
            assertThat(o.intact()).as(o.output()).isTrue();
            assertThat(o.path()).isEqualTo("relay");
            // the target signals that it cannot predict: no waiting for relayAfter (3 s)
            assertThat(o.setupMs()).as(o.output()).isLessThan(2500);
        }
    }
}
