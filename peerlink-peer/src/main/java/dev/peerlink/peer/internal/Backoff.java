package dev.peerlink.peer.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in [0, d] where
 * d = min(max, min * 2^n). Full rather than equal jitter because after a server dies all its devices lose their
 * connection in the same instant: spreading the whole window over [0, d] spreads their re-registrations at the other
 * servers most evenly (fewest collisions, see AWS's "Exponential Backoff And Jitter"), and the cap bounds the wait.
 */
public final class Backoff {
    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;

    /** With each calling thread's own random source. */
    public Backoff(Duration min, Duration max) {
        this(min, max, null);
    }

    /** {@code random}: a seeded source for tests (used from one thread), or null for {@link ThreadLocalRandom}. */
    public Backoff(Duration min, Duration max, RandomGenerator random) {
        this.min = Objects.requireNonNull(min, "min");
        this.max = Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= min <= max, got " + min + ", " + max);
        }
        this.random = random;
    }

    /** The upper bound of attempt {@code attempt}'s wait: min * 2^attempt, capped at max. */
    public Duration ceiling(int attempt) {
        long base = min.toMillis();
        long cap = max.toMillis();
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
        // base << attempt overflows long long before 62 doublings; anything past the cap is the cap
        return Duration.ofMillis(attempt >= 62 || base > (cap >> attempt) ? cap : base << attempt);
    }

    public Duration delay(int attempt) {
        long bound = ceiling(attempt).toMillis();
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return Duration.ofMillis(r.nextLong(bound + 1));
    }
}
