package dev.peerlink.share.index.internal;

/**
 * Ground distance on the mean Earth sphere. Kept local to the index (rather than shared geodesy code) so its
 * hot loop can reuse the query centre's trigonometry.
 */
public final class Haversine {
    /** IUGG mean Earth radius. */
    public static final double EARTH_RADIUS_METERS = 6_371_008.8;
    /** Ground metres per degree of latitude; ground distance is never less than this times |dLat|. */
    public static final double METERS_PER_DEGREE = EARTH_RADIUS_METERS * Math.PI / 180;

    private Haversine() {}

    public static double meters(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        return meters(phi1, Math.cos(phi1), lon1, lat2, lon2);
    }

    /** As {@link #meters(double, double, double, double)} with the first point's latitude in radians and its cosine. */
    public static double meters(double phi1, double cosPhi1, double lon1, double lat2, double lon2) {
        return metersOf(halfChordSquared(phi1, cosPhi1, lon1, lat2, lon2));
    }

    /**
     * The haversine formula's {@code a} (the squared half chord between the points on the unit sphere), which grows
     * with distance: comparing it to a threshold rejects a far point without the arcsine.
     */
    public static double halfChordSquared(double phi1, double cosPhi1, double lon1, double lat2, double lon2) {
        double phi2 = Math.toRadians(lat2);
        double sinHalfDPhi = Math.sin((phi2 - phi1) / 2);
        // sin^2 is periodic in pi, so a longitude difference across the antimeridian needs no wrapping
        double sinHalfDLambda = Math.sin(Math.toRadians(lon2 - lon1) / 2);
        return sinHalfDPhi * sinHalfDPhi + cosPhi1 * Math.cos(phi2) * sinHalfDLambda * sinHalfDLambda;
    }

    public static double metersOf(double halfChordSquared) {
        double x = Math.min(1, Math.sqrt(halfChordSquared));
        return 2 * EARTH_RADIUS_METERS * (x < SERIES_LIMIT ? asinSeries(x) : Math.asin(x));
    }

    /** Below this (chords of about 127 km) the series below is the arcsine to double precision. */
    private static final double SERIES_LIMIT = 0.01;

    /**
     * asin x = x + x^3/6 + 3x^5/40 + 15x^7/336 + ...; for x below 0.01 the next term is under 1e-19 of x. Math.asin
     * is not an intrinsic and was the costliest step of a find that returns thousands of hits.
     */
    private static double asinSeries(double x) {
        double x2 = x * x;
        return x + x * x2 * (1.0 / 6 + x2 * (3.0 / 40 + x2 * (15.0 / 336)));
    }

    /** The {@code a} of two points this far apart (metres, up to half the circumference). */
    public static double halfChordSquaredOf(double meters) {
        double s = Math.sin(Math.min(meters / (2 * EARTH_RADIUS_METERS), Math.PI / 2));
        return s * s;
    }
}
