package dev.peerlink.share.fingerprint;

import dev.peerlink.share.geo.GeoPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A two-floor, 60 m x 40 m building with Wi-Fi access points, heard through a log-distance path-loss
 * model (exponent 3, -40 dBm at 1 m, 15 dB per floor slab) plus Gaussian noise, all from one seeded
 * Random. Coordinates are metres east (x) and north (y) of a corner at 31.2304 N, 121.4737 E.
 */
final class SyntheticBuilding {
    static final double LAT0 = 31.2304, LON0 = 121.4737;
    static final double WIDTH = 60, DEPTH = 40, FLOOR_HEIGHT = 4;
    static final int FLOORS = 2;
    private static final double METERS_PER_DEGREE_LAT = 111_320;
    private static final double HEARD_BELOW_DBM = -95; // receivers do not report weaker beacons

    record AccessPoint(String bssid, double x, double y, int floor) {}

    private final Random random;
    final List<AccessPoint> accessPoints = new ArrayList<>();

    SyntheticBuilding(long seed, int accessPointsPerFloor) {
        random = new Random(seed);
        for (int floor = 0; floor < FLOORS; floor++) {
            for (int i = 0; i < accessPointsPerFloor; i++) {
                accessPoints.add(new AccessPoint(String.format("02:00:00:00:%02x:%02x", floor, i),
                        random.nextDouble() * WIDTH, random.nextDouble() * DEPTH, floor));
            }
        }
    }

    static GeoPoint at(double x, double y, int floor) {
        double lat = LAT0 + y / METERS_PER_DEGREE_LAT;
        double lon = LON0 + x / (METERS_PER_DEGREE_LAT * Math.cos(Math.toRadians(LAT0)));
        return GeoPoint.of(lat, lon, floor * FLOOR_HEIGHT);
    }

    /** One scan at (x, y) on a floor, each reading with Gaussian noise of {@code noiseDb} standard deviation. */
    WifiFingerprint scan(double x, double y, int floor, double noiseDb) {
        Map<String, Integer> heard = new HashMap<>();
        for (AccessPoint ap : accessPoints) {
            double meters = Math.max(1, Math.hypot(Math.hypot(ap.x() - x, ap.y() - y), (ap.floor() - floor) * FLOOR_HEIGHT));
            double dbm = -40 - 30 * Math.log10(meters) - 15 * Math.abs(ap.floor() - floor) + random.nextGaussian() * noiseDb;
            if (dbm >= HEARD_BELOW_DBM) {
                heard.put(ap.bssid(), (int) Math.round(Math.min(0, dbm)));
            }
        }
        return WifiFingerprint.ofBssids(heard);
    }

    /** A survey: a reference point every {@code step} metres on every floor. */
    List<ReferencePoint> survey(double step, double noiseDb) {
        List<ReferencePoint> points = new ArrayList<>();
        for (int floor = 0; floor < FLOORS; floor++) {
            for (double x = 0; x <= WIDTH; x += step) {
                for (double y = 0; y <= DEPTH; y += step) {
                    points.add(new ReferencePoint(at(x, y, floor), scan(x, y, floor, noiseDb), "synthetic"));
                }
            }
        }
        return points;
    }
}
