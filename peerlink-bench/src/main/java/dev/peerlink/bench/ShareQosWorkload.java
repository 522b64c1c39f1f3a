package dev.peerlink.bench;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.qos.QosSample;
import dev.peerlink.share.qos.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded QoS samples shaped like a city's commuters: ~200 routes (10-20 km polylines wandering across the city disc),
 * each travelled by its own 100 devices, 90 % of samples along a route (jittered a few tens of metres) and 10 %
 * anywhere; times over the last two weeks with rush-hour peaks; each route with one weak stretch (a tunnel).
 */
final class ShareQosWorkload {
    static final int ROUTES = 200, DEVICES_PER_ROUTE = 100;
    private static final double STEP_M = 200;
    private static final long DAY_MS = 86_400_000L;

    private final ShareWorld city;
    private final Random r;
    private final List<GeoPoint[]> routes = new ArrayList<>();
    private final int[] weakFrom, weakTo;
    final long startMillis;

    ShareQosWorkload(ShareWorld city, long seed, long nowMillis) {
        this.city = city;
        this.r = new Random(seed);
        this.startMillis = nowMillis - 14 * DAY_MS;
        weakFrom = new int[ROUTES];
        weakTo = new int[ROUTES];
        for (int i = 0; i < ROUTES; i++) {
            GeoPoint[] route = wander(10_000 + r.nextDouble() * 10_000);
            routes.add(route);
            weakFrom[i] = r.nextInt(route.length - 8);
            weakTo[i] = weakFrom[i] + 3 + r.nextInt(5); // 600-1,400 m of bad coverage
        }
    }

    /** A polyline of 200 m steps whose heading drifts, turned back towards the centre near the city's edge. */
    private GeoPoint[] wander(double lengthM) {
        GeoPoint p = Geodesy.destination(ShareWorld.CENTRE, r.nextDouble() * 360, 0.8 * city.radiusM * Math.sqrt(r.nextDouble()));
        double heading = r.nextDouble() * 360;
        int steps = (int) (lengthM / STEP_M);
        GeoPoint[] out = new GeoPoint[steps + 1];
        out[0] = p;
        for (int i = 1; i <= steps; i++) {
            heading += r.nextGaussian() * 10;
            GeoPoint next = Geodesy.destination(out[i - 1], heading, STEP_M);
            if (Geodesy.haversineMeters(ShareWorld.CENTRE, next) > city.radiusM) {
                heading += 180;
                next = Geodesy.destination(out[i - 1], heading, STEP_M);
            }
            out[i] = next;
        }
        return out;
    }

    QosSample[] samples(int count) {
        QosSample[] out = new QosSample[count];
        String[] devices = new String[ROUTES * DEVICES_PER_ROUTE];
        for (int i = 0; i < devices.length; i++) {
            devices[i] = String.format("dev-%05d", i);
        }
        for (int i = 0; i < count; i++) {
            long t = sampleTime();
            if (r.nextDouble() < 0.9) {
                int route = r.nextInt(ROUTES);
                GeoPoint[] pts = routes.get(route);
                int seg = r.nextInt(pts.length - 1);
                GeoPoint on = between(pts[seg], pts[seg + 1], r.nextDouble());
                GeoPoint at = Geodesy.destination(on, r.nextDouble() * 360, Math.abs(r.nextGaussian()) * 15);
                boolean weak = seg >= weakFrom[route] && seg < weakTo[route];
                out[i] = sample(devices[route * DEVICES_PER_ROUTE + r.nextInt(DEVICES_PER_ROUTE)], at, t, weak);
            } else {
                out[i] = sample(devices[r.nextInt(devices.length)], city.uniformPoint(r, Double.NaN), t, false);
            }
        }
        return out;
    }

    private QosSample sample(String device, GeoPoint at, long t, boolean weak) {
        String[] types = {"4g", "5g", "wifi"};
        if (weak) {
            return new QosSample(device, GeoPoint.of(at.lat(), at.lon()), t, 250 + r.nextDouble() * 200, 0.2 + r.nextDouble(),
                    0.1 + r.nextDouble() * 0.3, 3 + r.nextDouble() * 8, r.nextInt(12_000), 60_000, "4g");
        }
        double down = 5 + r.nextDouble() * 75;
        return new QosSample(device, GeoPoint.of(at.lat(), at.lon()), t, 45 * Math.exp(r.nextGaussian() * 0.4), down,
                down / 4, r.nextDouble(), r.nextDouble() < 0.02 ? r.nextInt(5_000) : 0, 60_000, types[r.nextInt(3)]);
    }

    /** Uniform day in the last two weeks; 60 % in the rush hours (7-9, 17-19), the rest any hour. */
    private long sampleTime() {
        long day = r.nextInt(14);
        double hour = r.nextDouble() < 0.6 ? (r.nextBoolean() ? 7 : 17) + r.nextDouble() * 2 : r.nextDouble() * 24;
        return startMillis + day * DAY_MS + (long) (hour * 3_600_000L);
    }

    private static GeoPoint between(GeoPoint a, GeoPoint b, double f) {
        return GeoPoint.of(a.lat() + f * (b.lat() - a.lat()), a.lon() + f * (b.lon() - a.lon()));
    }

    /** A point on one of the routes (where the map has data). */
    GeoPoint onRoute() {
        GeoPoint[] pts = routes.get(r.nextInt(ROUTES));
        return pts[r.nextInt(pts.length)];
    }

    GeoPoint anywhere() {
        return city.uniformPoint(r, Double.NaN);
    }

    Instant anyTime() {
        return Instant.ofEpochMilli(startMillis + (long) (r.nextDouble() * 14 * DAY_MS));
    }

    /** The first 10 km of a random route, a waypoint every 200 m, travelled at 10 m/s from a random time. */
    Route tenKm() {
        GeoPoint[] pts = routes.get(r.nextInt(ROUTES));
        long t = anyTime().toEpochMilli();
        List<Route.Waypoint> w = new ArrayList<>();
        for (int i = 0; i <= 10_000 / STEP_M; i++) {
            w.add(new Route.Waypoint(pts[i], Instant.ofEpochMilli(t + (long) (i * STEP_M / 10 * 1000))));
        }
        return Route.of(w);
    }
}
