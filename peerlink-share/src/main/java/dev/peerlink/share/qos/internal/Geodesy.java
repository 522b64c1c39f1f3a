package dev.peerlink.share.qos.internal;

import dev.peerlink.share.geo.GeoPoint;

/** Great-circle distance on the mean Earth sphere (good to ~0.5 %, plenty for 100 m steps and travel times). */
public final class Geodesy {
    public static final double EARTH_RADIUS_M = 6_371_008.8;

    private Geodesy() {}

    public static double distanceMeters(GeoPoint a, GeoPoint b) {
        double lat1 = Math.toRadians(a.lat()), lat2 = Math.toRadians(b.lat());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(lonDelta(a.lon(), b.lon()));
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** Eastward longitude difference from a to b the short way round, in (-180, 180]. */
    public static double lonDelta(double fromLon, double toLon) {
        double d = (toLon - fromLon) % 360;
        if (d > 180) {
            d -= 360;
        } else if (d <= -180) {
            d += 360;
        }
        return d;
    }

    /** Longitude wrapped into [-180, 180]. */
    public static double wrapLon(double lon) {
        double w = ((lon + 180) % 360 + 360) % 360 - 180;
        return w == -180 && lon > 0 ? 180 : w;
    }
}
