package dev.peerlink.portmap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EpochTrackerTest {
    static final long S = 1_000_000_000L;

    @Test
    void consistentClocksAreNoReset() {
        EpochTracker t = new EpochTracker();
        assertThat(t.observe(1000, 0)).isFalse();
        assertThat(t.observe(1060, 60 * S)).isFalse();
        assertThat(t.observe(1061, 62 * S)).isFalse(); // within slack
    }

    @Test
    void backwardsOrTooSlowServerClockIsAReset() {
        EpochTracker t = new EpochTracker();
        t.observe(1000, 0);
        assertThat(t.observe(5, 10 * S)).isTrue();             // restarted
        assertThat(t.observe(15, 20 * S)).isFalse();           // new epoch consistent again
        assertThat(t.observe(16, 620 * S)).isTrue();           // server advanced 1 s while we advanced 600 s
    }
}
