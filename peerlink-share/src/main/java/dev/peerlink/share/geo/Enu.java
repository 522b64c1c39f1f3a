package dev.peerlink.share.geo;

/**
 * Local east-north-up offset in metres, in the tangent frame of an origin on the WGS84 ellipsoid
 * (see {@link Geodesy#enu}).
 */
public record Enu(double east, double north, double up) {
    public Enu {
        if (!Double.isFinite(east) || !Double.isFinite(north) || !Double.isFinite(up)) {
            throw new IllegalArgumentException("ENU components must be finite, got (" + east + ", " + north + ", " + up + ")");
        }
    }

    /** Distance in the origin's horizontal plane. */
    public double horizontal() {
        return Math.hypot(east, north);
    }

    /** Straight-line distance from the origin (equals the ECEF chord: the frame is a rotation). */
    public double norm() {
        return Math.sqrt(east * east + north * north + up * up);
    }
}
