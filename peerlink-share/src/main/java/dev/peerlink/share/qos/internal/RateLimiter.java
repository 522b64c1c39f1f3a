package dev.peerlink.share.qos.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code max} samples per device per wall-clock hour (fixed window on the arrival clock, so a device
 * cannot dodge it with made-up sample times). The window's counts are dropped when the hour turns, which
 * bounds memory by the devices active in one hour. Not thread-safe: used under the map's lock.
 */
public final class RateLimiter {
    private static final long HOUR_MS = 3_600_000L;

    private final int max;
    private final Map<Long, int[]> counts = new HashMap<>();
    private long windowHour = Long.MIN_VALUE;

    public RateLimiter(int max) {
        this.max = max;
    }

    /** Counts one sample of this device now; false when it is over the limit. */
    public boolean tryAcquire(long deviceHash, long nowMillis) {
        long hour = Math.floorDiv(nowMillis, HOUR_MS);
        if (hour != windowHour) {
            counts.clear();
            windowHour = hour;
        }
        int[] n = counts.computeIfAbsent(deviceHash, k -> new int[1]);
        if (n[0] >= max) {
            return false;
        }
        n[0]++;
        return true;
    }
}
