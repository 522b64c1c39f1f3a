package dev.peerlink.share.qos;

import java.time.Duration;

/**
 * Tuning of the {@link QosMap}.
 *
 * @param h3Resolution H3 resolution of the cells (9 ≈ 174 m hexagon edge), 0..15
 * @param halfLife a sample this old weighs half of a fresh one; at least one hour
 * @param deviceWindow a device counts towards k-anonymity of a bucket only if it reported within this span
 *        before the bucket's newest sample, so that one recent device cannot hide behind long-faded ones
 * @param kAnonymity a bucket is disclosed only with at least this many distinct recent devices, 1..{@value QosBucket#MAX_DEVICES}
 * @param weak when a prediction counts as a weak spot
 * @param maxSamplesPerDeviceHour samples beyond this per device per (wall-clock) hour are dropped
 * @param maxHotBuckets buckets kept in memory (LRU); the rest live in the store
 * @param flushEveryBuckets write changed buckets to the store once this many are waiting
 * @param flushInterval also write them this often from a background thread; {@link Duration#ZERO} for none
 */
public record QosConfig(int h3Resolution, Duration halfLife, Duration deviceWindow, int kAnonymity, WeakSpotThresholds weak,
                        int maxSamplesPerDeviceHour, int maxHotBuckets, int flushEveryBuckets, Duration flushInterval) {

    public QosConfig {
        if (h3Resolution < 0 || h3Resolution > 15) {
            throw new IllegalArgumentException("h3Resolution must be in [0, 15], got " + h3Resolution);
        }
        if (halfLife == null || halfLife.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("halfLife must be at least one hour, got " + halfLife);
        }
        if (deviceWindow == null || deviceWindow.isNegative() || deviceWindow.isZero()) {
            throw new IllegalArgumentException("deviceWindow must be positive, got " + deviceWindow);
        }
        if (kAnonymity < 1 || kAnonymity > QosBucket.MAX_DEVICES) {
            throw new IllegalArgumentException("kAnonymity must be in [1, " + QosBucket.MAX_DEVICES + "], got " + kAnonymity);
        }
        if (weak == null) {
            throw new IllegalArgumentException("weak-spot thresholds are required");
        }
        if (maxSamplesPerDeviceHour < 1) {
            throw new IllegalArgumentException("maxSamplesPerDeviceHour must be positive, got " + maxSamplesPerDeviceHour);
        }
        if (maxHotBuckets < 16) {
            throw new IllegalArgumentException("maxHotBuckets must be at least 16, got " + maxHotBuckets);
        }
        if (flushEveryBuckets < 1) {
            throw new IllegalArgumentException("flushEveryBuckets must be positive, got " + flushEveryBuckets);
        }
        if (flushInterval == null || flushInterval.isNegative()) {
            throw new IllegalArgumentException("flushInterval must be zero (none) or positive, got " + flushInterval);
        }
    }

    /** Resolution 9, half-life 14 days, device window 28 days, k = 5, default thresholds, 120 samples/device/hour,
     * 200k hot buckets, flush every 20,000 changed buckets or every second. */
    public static QosConfig defaults() {
        return new QosConfig(9, Duration.ofDays(14), Duration.ofDays(28), 5, WeakSpotThresholds.DEFAULT,
                120, 200_000, 20_000, Duration.ofSeconds(1));
    }

    public QosConfig withH3Resolution(int resolution) {
        return new QosConfig(resolution, halfLife, deviceWindow, kAnonymity, weak, maxSamplesPerDeviceHour, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withHalfLife(Duration h) {
        return new QosConfig(h3Resolution, h, deviceWindow, kAnonymity, weak, maxSamplesPerDeviceHour, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withDeviceWindow(Duration w) {
        return new QosConfig(h3Resolution, halfLife, w, kAnonymity, weak, maxSamplesPerDeviceHour, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withKAnonymity(int k) {
        return new QosConfig(h3Resolution, halfLife, deviceWindow, k, weak, maxSamplesPerDeviceHour, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withWeak(WeakSpotThresholds w) {
        return new QosConfig(h3Resolution, halfLife, deviceWindow, kAnonymity, w, maxSamplesPerDeviceHour, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withMaxSamplesPerDeviceHour(int max) {
        return new QosConfig(h3Resolution, halfLife, deviceWindow, kAnonymity, weak, max, maxHotBuckets,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withMaxHotBuckets(int max) {
        return new QosConfig(h3Resolution, halfLife, deviceWindow, kAnonymity, weak, maxSamplesPerDeviceHour, max,
                flushEveryBuckets, flushInterval);
    }

    public QosConfig withFlush(int everyBuckets, Duration interval) {
        return new QosConfig(h3Resolution, halfLife, deviceWindow, kAnonymity, weak, maxSamplesPerDeviceHour, maxHotBuckets,
                everyBuckets, interval);
    }
}
