package dev.peerlink.share;

import dev.peerlink.share.geo.GeoPoint;

/**
 * A device's position as it reports it: where, how sure (accuracy radius in metres, 68 %), from
 * which source, and when (epoch milliseconds).
 */
public record Location(GeoPoint point, double accuracyMeters, LocationSource source, long timeMillis) {
    /** Worse than this is not a position a sharing range can use (a country-wide cell guess). */
    public static final double MAX_ACCURACY_METERS = 50_000;

    public Location {
        if (point == null || source == null) {
            throw new IllegalArgumentException("location needs a point and a source");
        }
        if (!Double.isFinite(accuracyMeters) || accuracyMeters <= 0 || accuracyMeters > MAX_ACCURACY_METERS) {
            throw new IllegalArgumentException("accuracy must be in (0, " + MAX_ACCURACY_METERS + "] m, got " + accuracyMeters);
        }
        if (timeMillis <= 0) {
            throw new IllegalArgumentException("time must be a positive epoch millisecond value");
        }
    }

    public static Location manual(GeoPoint point, long timeMillis) {
        return new Location(point, 10, LocationSource.MANUAL, timeMillis);
    }
}
