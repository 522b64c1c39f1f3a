package dev.peerlink.share.qos;

import dev.peerlink.share.geo.GeoPoint;
import java.util.Locale;
import java.util.Set;

/**
 * One connection-state report from an opted-in device: where and when, what the link did over the
 * sample's period, and on which kind of network.
 *
 * <p>{@code device} is an opaque key (the server passes the device id); the map keeps only a salted hash
 * of it. The double metrics are {@link Double#NaN} when the device could not measure them (e.g. no
 * throughput test ran, or it was offline the whole period); otherwise they must lie in their range.
 *
 * @param rttMs round-trip time, [0, 60000] ms or NaN
 * @param downMbps downlink throughput, [0, 100000] Mbit/s or NaN
 * @param upMbps uplink throughput, [0, 100000] Mbit/s or NaN
 * @param lossPct packet loss, [0, 100] % or NaN
 * @param offlineMs time without connectivity within the period, [0, min(periodMs, 3600000)] ms
 * @param periodMs the span this sample covers, [1000, 3600000] ms
 * @param networkType one of {@link #NETWORK_TYPES} (case-insensitive, stored lower case)
 */
public record QosSample(String device, GeoPoint point, long timeMillis, double rttMs, double downMbps, double upMbps,
                        double lossPct, long offlineMs, long periodMs, String networkType) {
    public static final Set<String> NETWORK_TYPES = Set.of("wifi", "4g", "5g", "3g", "2g", "ethernet", "other", "none");
    public static final double MAX_RTT_MS = 60_000, MAX_MBPS = 100_000;
    public static final long MIN_PERIOD_MS = 1_000, MAX_PERIOD_MS = 3_600_000;
    public static final int MAX_DEVICE_KEY_LENGTH = 256;
    /** Year 3000: later timestamps are garbage, not clock skew. */
    private static final long MAX_TIME_MILLIS = 32_503_680_000_000L;

    public QosSample {
        if (device == null || device.isBlank() || device.length() > MAX_DEVICE_KEY_LENGTH) {
            throw new IllegalArgumentException("device key must be 1.." + MAX_DEVICE_KEY_LENGTH + " non-blank characters");
        }
        if (point == null) {
            throw new IllegalArgumentException("sample needs a point");
        }
        if (timeMillis <= 0 || timeMillis > MAX_TIME_MILLIS) {
            throw new IllegalArgumentException("time must be a positive epoch millisecond value before year 3000, got " + timeMillis);
        }
        checkMetric("rttMs", rttMs, 0, MAX_RTT_MS);
        checkMetric("downMbps", downMbps, 0, MAX_MBPS);
        checkMetric("upMbps", upMbps, 0, MAX_MBPS);
        checkMetric("lossPct", lossPct, 0, 100);
        if (periodMs < MIN_PERIOD_MS || periodMs > MAX_PERIOD_MS) {
            throw new IllegalArgumentException("periodMs must be in [" + MIN_PERIOD_MS + ", " + MAX_PERIOD_MS + "], got " + periodMs);
        }
        if (offlineMs < 0 || offlineMs > periodMs) {
            throw new IllegalArgumentException("offlineMs must be in [0, periodMs=" + periodMs + "], got " + offlineMs);
        }
        String type = networkType == null ? null : networkType.strip().toLowerCase(Locale.ROOT);
        if (type == null || !NETWORK_TYPES.contains(type)) {
            throw new IllegalArgumentException("networkType must be one of " + NETWORK_TYPES + ", got " + networkType);
        }
        networkType = type;
    }

    private static void checkMetric(String name, double value, double min, double max) {
        if (Double.isNaN(value)) {
            return; // unknown
        }
        if (Double.isInfinite(value) || value < min || value > max) {
            throw new IllegalArgumentException(name + " must be NaN (unknown) or in [" + min + ", " + max + "], got " + value);
        }
    }
}
