package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTunerTest {
    static final long MS = 1_000_000L;
    static final long MIB = 1 << 20;

    @Test
    void doublesWhileQuarterWindowsGoByFasterThanHalfARoundTrip() {
        WindowTuner t = new WindowTuner(MIB, 16 * MIB);
        long rtt = 50 * MS;
        long now = 0;
        assertThat(t.onGrant(now, rtt)).as("the first grant has nothing to compare with").isZero();
        long[] expected = {MIB, 2 * MIB, 4 * MIB, 8 * MIB, 0};
        for (long grown : expected) {
            now += 10 * MS; // a window-limited sender on a 50 ms path: a quarter window every ~12 ms
            assertThat(t.onGrant(now, rtt)).isEqualTo(grown);
        }
        assertThat(t.window()).as("capped").isEqualTo(16 * MIB);
    }

    @Test
    void staysWhenTheSenderIsNotWaitingForCredit() {
        WindowTuner t = new WindowTuner(MIB, 16 * MIB);
        long now = 0;
        for (int i = 0; i < 10; i++) {
            now += 30 * MS; // quarters slower than half of a 50 ms round trip: the window is not the limit
            assertThat(t.onGrant(now, 50 * MS)).isZero();
        }
        assertThat(t.window()).isEqualTo(MIB);
    }

    @Test
    void neverGrowsWithoutAKnownRoundTripNorOnALan() {
        WindowTuner t = new WindowTuner(MIB, 16 * MIB);
        long now = 0;
        for (int i = 0; i < 10; i++) {
            now += 1000; // 1 µs apart
            assertThat(t.onGrant(now, 0)).isZero();
        }
        for (int i = 0; i < 10; i++) {
            now += 250_000; // a quarter of 1 MiB at 1 GB/s, 50 µs round trip
            assertThat(t.onGrant(now, 50_000)).isZero();
        }
        assertThat(t.window()).isEqualTo(MIB);
    }
}
