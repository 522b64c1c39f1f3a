package dev.peerlink.turn.server.internal;

/**
 * Bytes-per-second token bucket of one allocation. Not thread-safe: an allocation lives on one
 * event loop. Integer arithmetic in nanoseconds so refill has no rounding drift.
 */
final class TokenBucket {
    private final long bytesPerSecond;
    private final long burst;
    private long tokens;
    private long updated;

    TokenBucket(long bytesPerSecond, long burst, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.updated = nowNanos;
    }

    /** Null when {@code bytesPerSecond} is 0: no limit, no cost. */
    static TokenBucket ofOrNull(long bytesPerSecond, long burst, long nowNanos) {
        return bytesPerSecond <= 0 ? null : new TokenBucket(bytesPerSecond, burst, nowNanos);
    }

    boolean tryTake(int bytes, long nowNanos) {
        long elapsed = nowNanos - updated;
        if (elapsed > 0) {
            // Cap elapsed first so the multiplication cannot overflow after long idle periods.
            long add = Math.min(elapsed, 10_000_000_000L) * bytesPerSecond / 1_000_000_000L;
            if (add > 0) {
                tokens = Math.min(burst, tokens + add);
                updated = nowNanos;
            }
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
