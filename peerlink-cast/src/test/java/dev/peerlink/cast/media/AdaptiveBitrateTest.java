package dev.peerlink.cast.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdaptiveBitrateTest {
    private static final long TICK = 100;

    /**
     * A sender queue in front of a path of {@code capacity} kbit/s, ticking every 100 ms: the encoder adds the
     * target's worth, the path takes up to its capacity, and when the backlog passes 1 s the sender drops it (skips to
     * the next key frame, as a live sender does). Reports backlog and last second's throughput to the controller.
     */
    private static final class Path {
        final AdaptiveBitrate abr;
        double queueKbit;
        final double[] sentWindow = new double[10];
        long now;
        int decreases;
        int increases;
        final List<int[]> trace = new ArrayList<>();

        Path(AdaptiveBitrate abr) {
            this.abr = abr;
        }

        void run(long millis, int capacity) {
            for (long end = now + millis; now < end; now += TICK) {
                int before = abr.target();
                queueKbit += before * TICK / 1000.0;
                double sent = Math.min(queueKbit, capacity * TICK / 1000.0);
                queueKbit -= sent;
                sentWindow[(int) (now / TICK % sentWindow.length)] = sent;
                double throughput = java.util.Arrays.stream(sentWindow).sum();
                double delayMillis = queueKbit / Math.max(1, throughput) * 1000;
                if (delayMillis > 1000) {
                    queueKbit = 0;
                }
                int after = abr.onBacklog(now, (long) (queueKbit * 1000 / 8), (int) throughput);
                decreases += after < before ? 1 : 0;
                increases += after > before ? 1 : 0;
                trace.add(new int[] {(int) now, after, capacity});
            }
        }

        int maxTargetBetween(long from, long to) {
            return trace.stream().filter(t -> t[0] >= from && t[0] < to).mapToInt(t -> t[1]).max().orElseThrow();
        }

        /** Share of ticks in [from, to) whose target was at most the capacity. */
        double shareWithinCapacity(long from, long to) {
            long in = trace.stream().filter(t -> t[0] >= from && t[0] < to && t[1] <= t[2]).count();
            long all = trace.stream().filter(t -> t[0] >= from && t[0] < to).count();
            return (double) in / all;
        }
    }

    @Test
    void followsTheCapacityDownQuicklyAndBackUpSlowly() {
        Path p = new Path(new AdaptiveBitrate(AdaptiveBitrate.of(300, 4000, 2500)));
        p.run(30_000, 6000); // plenty: climbs to the max
        assertThat(p.abr.target()).isEqualTo(4000);
        assertThat(p.decreases).isZero();

        p.run(3_000, 1000); // the path drops to 1 Mbit/s
        assertThat(p.abr.target()).as("below the new capacity within 3 s").isLessThanOrEqualTo(1000).isGreaterThanOrEqualTo(500);
        p.run(27_000, 1000);
        assertThat(p.shareWithinCapacity(33_000, 60_000)).as("time at or under capacity").isGreaterThan(0.8);
        int decreasesAtLowCapacity = p.decreases;
        assertThat(decreasesAtLowCapacity).as("the step down and a probe or two, not a see-saw").isBetween(1, 3);

        p.run(40_000, 3000); // capacity comes back
        assertThat(p.maxTargetBetween(60_000, 100_000)).as("recovered most of the new capacity").isBetween(2400, 3400);
        assertThat(p.abr.target()).as("and stays around it").isBetween(2000, 3400);
    }

    @Test
    void noiseAndShortSpikesDoNotMoveIt() {
        AdaptiveBitrate abr = new AdaptiveBitrate(AdaptiveBitrate.of(300, 4000, 2000));
        Random rnd = new Random(3);
        int changes = 0;
        int last = abr.target();
        for (long t = 0; t < 60_000; t += TICK) {
            long delay = 100 + rnd.nextInt(190); // 100..289 ms: in the hysteresis band, neither clean nor congested
            if (t % 7_000 < 600) {
                delay = 450; // a 0.6 s spike every 7 s
            }
            int now = abr.onDelay(t, delay, 2000);
            changes += now != last ? 1 : 0;
            last = now;
        }
        assertThat(changes).isZero();
        assertThat(abr.target()).isEqualTo(2000);
    }

    @Test
    void neverLeavesTheBounds() {
        AdaptiveBitrate abr = new AdaptiveBitrate(AdaptiveBitrate.of(500, 1000, 800));
        for (long t = 0; t < 120_000; t += TICK) {
            abr.onDelay(t, 5_000, 50); // hopeless path
        }
        assertThat(abr.target()).isEqualTo(500);
        for (long t = 120_000; t < 600_000; t += TICK) {
            abr.onDelay(t, 0, 0);
        }
        assertThat(abr.target()).isEqualTo(1000);
    }

    @Test
    void configRequiresHysteresisAndSaneBounds() {
        assertThatThrownBy(() -> AdaptiveBitrate.of(1000, 500, 700)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdaptiveBitrate.Config(100, 1000, 500, 300, 1000, 300, 5000, 0.8, 100, 2000))
                .hasMessageContaining("hysteresis");
    }
}
