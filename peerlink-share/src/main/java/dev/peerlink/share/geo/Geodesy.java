package dev.peerlink.share.geo;

import java.util.Objects;

/**
 * Distances and local frames on the Earth. Ground distance is great-circle on the mean sphere (cheap
 * and good to ~0.5 %); everything three-dimensional is exact on the WGS84 ellipsoid via ECEF.
 *
 * <p>Altitude rule for {@link #enu} and {@link #distance3dMeters}: when both points know their
 * altitude it is used; when either does not, both are taken at the origin's altitude (0 when
 * unknown), so an unknown height never reads as a floor difference.
 */
public final class Geodesy {
    /** WGS84 semi-major axis (m) and flattening. */
    public static final double WGS84_A = 6_378_137.0, WGS84_F = 1 / 298.257223563;
    /** WGS84 semi-minor axis (m) and first eccentricity squared. */
    public static final double WGS84_B = WGS84_A * (1 - WGS84_F), WGS84_E2 = WGS84_F * (2 - WGS84_F);
    /** IUGG mean Earth radius (m), the sphere of {@link #haversineMeters} and {@link #destination}. */
    public static final double MEAN_RADIUS = 6_371_008.8;

    private Geodesy() {
    }

    /** Great-circle ground distance in metres; altitude ignored. */
    public static double haversineMeters(GeoPoint a, GeoPoint b) {
        double phi1 = Math.toRadians(a.lat()), phi2 = Math.toRadians(b.lat());
        double sinDPhi = Math.sin((phi2 - phi1) / 2);
        // sin² of half the longitude difference is 360°-periodic, so the antimeridian needs no care
        double sinDLambda = Math.sin(Math.toRadians(b.lon() - a.lon()) / 2);
        double h = sinDPhi * sinDPhi + Math.cos(phi1) * Math.cos(phi2) * sinDLambda * sinDLambda;
        h = Math.min(1, Math.max(0, h));
        // atan2 stays accurate near antipodes, where asin(sqrt(h)) loses digits
        return 2 * MEAN_RADIUS * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    }

    /** Earth-centred Earth-fixed {x, y, z} in metres; unknown altitude is taken as 0. */
    public static double[] ecef(GeoPoint p) {
        return ecef(p.lat(), p.lon(), p.altOr(0));
    }

    /** Offset of {@code p} in {@code origin}'s east-north-up frame (altitude rule in the class doc). */
    public static Enu enu(GeoPoint origin, GeoPoint p) {
        double[] d = chord(origin, p);
        double phi = Math.toRadians(origin.lat()), lambda = Math.toRadians(origin.lon());
        double sinPhi = Math.sin(phi), cosPhi = Math.cos(phi);
        double sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
        double east = -sinLambda * d[0] + cosLambda * d[1];
        double north = -sinPhi * cosLambda * d[0] - sinPhi * sinLambda * d[1] + cosPhi * d[2];
        double up = cosPhi * cosLambda * d[0] + cosPhi * sinLambda * d[1] + sinPhi * d[2];
        return new Enu(east, north, up);
    }

    /** Straight-line (ECEF chord) distance in metres (altitude rule in the class doc). */
    public static double distance3dMeters(GeoPoint a, GeoPoint b) {
        double[] d = chord(a, b);
        return Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    }

    /**
     * The point {@code meters} away from {@code from} along the great circle leaving at
     * {@code bearingDeg} (clockwise from true north) on the mean sphere; negative distance goes the
     * other way. Keeps {@code from}'s altitude; longitude comes back in [-180, 180).
     */
    public static GeoPoint destination(GeoPoint from, double bearingDeg, double meters) {
        Objects.requireNonNull(from, "from");
        if (!Double.isFinite(bearingDeg) || !Double.isFinite(meters)) {
            throw new IllegalArgumentException("bearing and distance must be finite, got " + bearingDeg + "°, " + meters + " m");
        }
        double delta = meters / MEAN_RADIUS, theta = Math.toRadians(bearingDeg);
        double phi1 = Math.toRadians(from.lat()), lambda1 = Math.toRadians(from.lon());
        double sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
        double phi2 = Math.asin(Math.max(-1, Math.min(1, sinPhi2)));
        double lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
                Math.cos(delta) - Math.sin(phi1) * sinPhi2);
        return new GeoPoint(Math.toDegrees(phi2), normaliseLon(Math.toDegrees(lambda2)), from.alt());
    }

    /**
     * The inverse of {@link #enu}: the point at {@code offset} in {@code origin}'s frame, exact on the
     * ellipsoid (places test devices precisely at a box's edge). The result always has an altitude,
     * measured from the origin's (0 when unknown).
     */
    public static GeoPoint fromEnu(GeoPoint origin, Enu offset) {
        double phi = Math.toRadians(origin.lat()), lambda = Math.toRadians(origin.lon());
        double sinPhi = Math.sin(phi), cosPhi = Math.cos(phi);
        double sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
        double e = offset.east(), n = offset.north(), u = offset.up();
        double[] o = ecef(origin);
        double x = o[0] - sinLambda * e - sinPhi * cosLambda * n + cosPhi * cosLambda * u;
        double y = o[1] + cosLambda * e - sinPhi * sinLambda * n + cosPhi * sinLambda * u;
        double z = o[2] + cosPhi * n + sinPhi * u;
        return geodetic(x, y, z);
    }

    /** Longitude in degrees folded into [-180, 180). */
    public static double normaliseLon(double lonDeg) {
        double l = ((lonDeg + 180) % 360 + 360) % 360 - 180;
        return l == 180 ? -180 : l;
    }

    private static double[] ecef(double latDeg, double lonDeg, double alt) {
        double phi = Math.toRadians(latDeg), lambda = Math.toRadians(lonDeg);
        double sinPhi = Math.sin(phi), cosPhi = Math.cos(phi);
        double n = primeVerticalRadius(sinPhi);
        return new double[] {
                (n + alt) * cosPhi * Math.cos(lambda),
                (n + alt) * cosPhi * Math.sin(lambda),
                (n * (1 - WGS84_E2) + alt) * sinPhi};
    }

    /** ECEF b - a under the altitude rule. */
    private static double[] chord(GeoPoint a, GeoPoint b) {
        boolean both = a.hasAltitude() && b.hasAltitude();
        double altA = a.altOr(0), altB = both ? b.alt() : altA;
        double[] pa = ecef(a.lat(), a.lon(), altA), pb = ecef(b.lat(), b.lon(), altB);
        return new double[] {pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]};
    }

    private static double primeVerticalRadius(double sinPhi) {
        return WGS84_A / Math.sqrt(1 - WGS84_E2 * sinPhi * sinPhi);
    }

    /** ECEF to latitude/longitude/height by fixed-point iteration on the latitude (converges in a few steps near the surface). */
    private static GeoPoint geodetic(double x, double y, double z) {
        double p = Math.hypot(x, y);
        double phi = Math.atan2(z, p * (1 - WGS84_E2));
        for (int i = 0; i < 20; i++) {
            double next = Math.atan2(z + WGS84_E2 * primeVerticalRadius(Math.sin(phi)) * Math.sin(phi), p);
            boolean done = Math.abs(next - phi) < 1e-15;
            phi = next;
            if (done) {
                break;
            }
        }
        double sinPhi = Math.sin(phi), n = primeVerticalRadius(sinPhi);
        // this form of the height stays exact at the poles, where p / cos(phi) does not
        double h = p * Math.cos(phi) + z * sinPhi - WGS84_A * WGS84_A / n;
        double lat = Math.max(-90, Math.min(90, Math.toDegrees(phi)));
        return new GeoPoint(lat, normaliseLon(Math.toDegrees(Math.atan2(y, x))), h);
    }
}
