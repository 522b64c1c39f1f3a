package dev.peerlink.exit.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.egress.Cidr;
import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.exit.wire.ExitError;
import dev.peerlink.peer.PeerConnection;
import dev.peerlink.share.wire.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's caps: daily quota (kept across a restart), flows per requester, users, bandwidth. */
class ExitServerLimitsTest {
    static ExitBed bed;
    LocalServers local;
    static final ExitConfig OPEN = ExitConfig.defaults(EgressRules.standard().withOpened(List.of(Cidr.parse("127.0.0.1/32"))));

    @BeforeAll
    static void bed() throws Exception {
        bed = ExitBed.start();
    }

    @AfterAll
    static void closeBed() throws Exception {
        bed.close();
    }

    @BeforeEach
    void servers() {
        local = new LocalServers();
    }

    @AfterEach
    void reset() throws Exception {
        bed.reset();
        local.close();
    }

    static byte[] seeded(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void theDailyQuotaRefusesTheNextFlowLogsBothAndSurvivesARestart(@TempDir Path dir) throws Exception {
        int echo = local.tcpEcho();
        ExitConfig config = OPEN.withLimits(new Limits(0, 0, 100_000, List.of())).withFlowLogDir(dir);
        ExitServer exit = bed.serve(config);
        PeerConnection c = bed.connect(bed.requester);
        byte[] half = seeded(50_000); // 50 kB up + 50 kB echoed down = the whole 100 kB
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(flow.exchange(half)).isEqualTo(half);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeFlows() == 0);
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.QUOTA_EXCEEDED);
        List<String> log = Files.readAllLines(dir.resolve("flows.jsonl"));
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).contains("\"result\":\"ok\"", "\"bytesUp\":50000", "\"bytesDown\":50000");
        assertThat(log.get(1)).contains("\"result\":\"quota-exceeded\"", "\"requester\":\"req-1\"", "\"bytesUp\":0");
        assertThat(exit.stats().usageToday()).containsEntry("req-1", 100_000L);

        // a restart keeps today's count; another requester has its own
        bed.reset();
        ExitServer again = bed.serve(config);
        assertThat(again.stats().usageToday()).containsEntry("req-1", 100_000L);
        c = bed.connect(bed.requester);
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.QUOTA_EXCEEDED);
        PeerConnection other = bed.connect(bed.other);
        try (ExitClient flow = ExitClient.open(other, "127.0.0.1", echo)) {
            assertThat(flow.reply().ok()).isTrue();
        }
    }

    @Test
    void aFlowThatCrossesTheQuotaIsCut(@TempDir Path dir) throws Exception {
        int source = local.tcpSource(1 << 20);
        ExitServer exit = bed.serve(OPEN.withLimits(new Limits(0, 0, 100_000, List.of())).withFlowLogDir(dir));
        PeerConnection c = bed.connect(bed.requester);
        long received = 0;
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", source)) {
            assertThat(flow.reply().ok()).isTrue();
            InputStream in = flow.stream().input();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                received += n;
            }
        } catch (IOException e) {
            // cut: the stream is reset
        }
        assertThat(received).isLessThan(1 << 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeFlows() == 0);
        // overshoot: at most one 64 KiB buffer past the quota
        assertThat(exit.stats().usageToday().get("req-1")).isGreaterThan(100_000L).isLessThanOrEqualTo(100_000L + 65_536);
        assertThat(Files.readAllLines(dir.resolve("flows.jsonl"))).singleElement()
                .satisfies(l -> assertThat(l).contains("\"cut\":\"quota-exceeded\""));
    }

    @Test
    void concurrentFlowsPerRequesterAreCapped() throws Exception {
        int echo = local.tcpEcho();
        ExitServer exit = bed.serve(OPEN.withMaxFlowsPerRequester(2));
        PeerConnection c = bed.connect(bed.requester);
        ExitClient first = ExitClient.open(c, "127.0.0.1", echo);
        ExitClient second = ExitClient.open(c, "127.0.0.1", echo);
        assertThat(first.reply().ok()).isTrue();
        assertThat(second.reply().ok()).isTrue();
        assertThat(ExitClient.open(c, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.TOO_MANY_FLOWS);
        assertThat(first.exchange(new byte[]{1})).containsExactly(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeFlows() == 1);
        try (ExitClient third = ExitClient.open(c, "127.0.0.1", echo)) {
            assertThat(third.reply().ok()).isTrue();
        }
        second.close();
    }

    @Test
    void distinctUsersAreCappedByMaxUsers() throws Exception {
        int echo = local.tcpEcho();
        ExitServer exit = bed.serve(OPEN.withLimits(new Limits(1, 0, 0, List.of())));
        PeerConnection a = bed.connect(bed.requester);
        PeerConnection b = bed.connect(bed.other);
        ExitClient held = ExitClient.open(a, "127.0.0.1", echo);
        assertThat(held.reply().ok()).isTrue();
        ExitClient more = ExitClient.open(a, "127.0.0.1", echo);
        assertThat(more.reply().ok()).isTrue(); // the same user may open more
        assertThat(ExitClient.open(b, "127.0.0.1", echo).reply().error()).isEqualTo(ExitError.TOO_MANY_FLOWS);
        assertThat(exit.stats().activeUsers()).isEqualTo(1);
        held.exchange(new byte[0]);
        more.exchange(new byte[0]);
        await().atMost(Duration.ofSeconds(5)).until(() -> exit.stats().activeUsers() == 0);
        try (ExitClient now = ExitClient.open(b, "127.0.0.1", echo)) {
            assertThat(now.reply().ok()).isTrue();
        }
    }

    @Test
    void bandwidthIsCappedPerRequester() throws Exception {
        int source = local.tcpSource(1 << 20);
        bed.serve(OPEN.withLimits(new Limits(0, 2000, 0, List.of()))); // 2 Mbit/s = 250 kB/s
        PeerConnection c = bed.connect(bed.requester);
        long start = System.nanoTime();
        try (ExitClient flow = ExitClient.open(c, "127.0.0.1", source)) {
            assertThat(flow.exchange(new byte[0])).hasSize(1 << 20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("1 MiB at 2 Mbit/s needs about 4.2 s").isGreaterThanOrEqualTo(3.5);
    }
}
