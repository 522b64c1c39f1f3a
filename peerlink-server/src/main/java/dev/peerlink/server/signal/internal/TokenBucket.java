package dev.peerlink.server.signal.internal;

/** A token bucket for one connection; not thread-safe (used on the connection's event loop). */
final class TokenBucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        this.rate = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * rate / 1e9);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
