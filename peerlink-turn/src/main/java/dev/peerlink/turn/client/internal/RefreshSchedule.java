package dev.peerlink.turn.client.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * When to refresh something that expires: at {@code fraction} of its lifetime (0.8 leaves two
 * minutes of slack on a 600 s allocation, enough for a full UDP retransmission cycle), and after
 * a failed refresh again at half the time that remains, as long as that is worth trying.
 */
public record RefreshSchedule(double fraction, Duration minRetry) {
    public static final RefreshSchedule DEFAULT = new RefreshSchedule(0.8, Duration.ofMillis(500));

    public RefreshSchedule {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("refresh fraction must be in (0, 1): " + fraction);
        }
    }

    public Duration refreshAfter(Duration lifetime) {
        return Duration.ofNanos((long) (lifetime.toNanos() * fraction));
    }

    /** The delay before retrying a failed refresh, or empty when expiry is too close to bother. */
    public Optional<Duration> retryAfter(Duration untilExpiry) {
        Duration half = untilExpiry.dividedBy(2);
        return half.compareTo(minRetry) >= 0 ? Optional.of(half) : Optional.empty();
    }
}
