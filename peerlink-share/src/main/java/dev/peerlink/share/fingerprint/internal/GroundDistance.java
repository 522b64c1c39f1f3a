package dev.peerlink.share.fingerprint.internal;

import dev.peerlink.share.geo.GeoPoint;

/** Horizontal great-circle distance, enough for the metres-apart points of one site. */
public final class GroundDistance {
    private static final double EARTH_RADIUS_M = 6_371_008.8;

    private GroundDistance() {}

    /** Haversine distance in metres, ignoring altitude. */
    public static double meters(GeoPoint a, GeoPoint b) {
        double dLat = Math.toRadians(b.lat() - a.lat());
        double dLon = Math.toRadians(b.lon() - a.lon());
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(a.lat())) * Math.cos(Math.toRadians(b.lat())) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
