package dev.peerlink.peer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter: the bounds of every attempt, drawn from a seeded source. */
class BackoffTest {
    final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(42));

    @Test
    void ceilingDoublesFromMinUntilTheCap() {
        assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.ceiling(6)).as("6400 ms capped").isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(61)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.ceiling(1000)).as("no overflow past 62 doublings").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void everyDelayLiesWithinZeroAndItsAttemptsCeiling() {
        for (int attempt = 0; attempt < 12; attempt++) {
            long ceiling = backoff.ceiling(attempt).toMillis();
            for (int i = 0; i < 2000; i++) {
                assertThat(backoff.delay(attempt).toMillis()).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void jitterIsFullSpreadingOverTheWholeWindowNotItsUpperHalf() {
        long ceiling = backoff.ceiling(4).toMillis();
        long below = 0;
        long above = 0;
        for (int i = 0; i < 2000; i++) {
            long d = backoff.delay(4).toMillis();
            below += d < ceiling / 4 ? 1 : 0;
            above += d > ceiling * 3 / 4 ? 1 : 0;
        }
        // uniform over [0, ceiling]: a quarter of the draws in each outer quarter (equal jitter would put none low)
        assertThat(below).isBetween(400L, 600L);
        assertThat(above).isBetween(400L, 600L);
    }

    @Test
    void sameSeedSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(7));
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(7));
        for (int i = 0; i < 20; i++) {
            assertThat(a.delay(i)).isEqualTo(b.delay(i));
        }
    }

    @Test
    void refusesAMaxBelowTheMin() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
