package dev.peerlink.exit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitScoreTest {
    @Test
    void lossAndRttLowerTheScoreAndSilenceKillsIt() {
        double clean = ExitScore.score(20, 0, 30_000, 100);
        assertThat(ExitScore.score(20, 0.30, 30_000, 100)).isLessThan(clean * 0.7);
        assertThat(ExitScore.score(300, 0, 30_000, 100)).isLessThan(clean * 0.7);
        assertThat(ExitScore.score(20, 0, 30_000, ExitScore.STALL_MS + 1)).isLessThan(clean * 0.31);
        assertThat(ExitScore.score(20, 0, 30_000, ExitScore.DEAD_MS)).isZero();
        assertThat(ExitScore.score(Double.NaN, 0, Double.NaN, 0)).isBetween(0.0, 1.0);
    }

    @Test
    void equalProvidersNeverCountAsClearlyBetterAndThirtyPercentLossDoes() {
        double a = ExitScore.score(25, 0.01, 20_000, 100);
        double b = ExitScore.score(27, 0.02, 20_000, 100);
        assertThat(ExitScore.clearlyBetter(a, b)).isFalse();
        assertThat(ExitScore.clearlyBetter(b, a)).isFalse();
        double lossy = ExitScore.score(25, 0.30, 20_000, 100);
        assertThat(ExitScore.clearlyBetter(a, lossy)).isTrue();
    }

    @Test
    void aThinUplinkLowersTheRate() {
        assertThat(ExitScore.score(20, 0, 50_000, 500, 100)).isLessThan(ExitScore.score(20, 0, 50_000, 20_000, 100));
        assertThat(ExitScore.score(20, 0, 50_000, Double.NaN, 100)).isEqualTo(ExitScore.score(20, 0, 50_000, 100));
    }

    @Test
    void theMeterCountsLossOverItsWindowAndAveragesRtt() {
        LinkMeter m = new LinkMeter(0);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            long id = m.ping();
            t += 250_000_000L;
            if (i % 10 < 3) {
                continue; // 30 % never answered
            }
            m.pong(id, t - 10_000_000L, t);
        }
        assertThat(m.loss()).isBetween(0.25, 0.35);
        assertThat(m.rttMs()).isCloseTo(10, org.assertj.core.data.Offset.offset(0.01));
        m.pong(999, 0, t); // unknown id: ignored
        assertThat(m.silentMs(t)).isZero();
    }
}
