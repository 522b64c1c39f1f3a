package dev.peerlink.peer.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time in [d/2, d] where
 * d = min(max, min * 2^n), so a server restart does not bring every device back in the same instant.
 */
public record Backoff(Duration min, Duration max) {
    public Duration delay(int attempt) {
        long base = min.toMillis();
        long cap = max.toMillis();
        long d = attempt >= 30 ? cap : Math.min(cap, base << attempt);
        return Duration.ofMillis(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }
}
