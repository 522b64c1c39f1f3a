package dev.peerlink.server.share.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per device for one kind of request, thread-safe. Buckets of devices idle longer than a full refill
 * are dropped by {@link #sweep} (they would be full anyway).
 */
final class RateLimits {
    private final double perNano;
    private final double burst;
    private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();

    RateLimits(int perMinute, int burst) {
        this.perNano = perMinute / 60e9;
        this.burst = burst;
    }

    /** Takes one token for {@code device}; false when it has none left. */
    boolean take(String device, long nowNanos) {
        boolean[] ok = new boolean[1];
        buckets.compute(device, (k, b) -> {
            if (b == null) {
                b = new double[] {burst, nowNanos};
            }
            b[0] = Math.min(burst, b[0] + (nowNanos - (long) b[1]) * perNano);
            b[1] = nowNanos;
            if (b[0] >= 1) {
                b[0] -= 1;
                ok[0] = true;
            }
            return b;
        });
        return ok[0];
    }

    void sweep(long nowNanos) {
        double fullAfter = burst / perNano;
        buckets.entrySet().removeIf(e -> nowNanos - (long) e.getValue()[1] > fullAfter);
    }

    int size() {
        return buckets.size();
    }
}
