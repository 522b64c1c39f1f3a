package dev.peerlink.share.qos.internal;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * The H3 cells a route passes, in order, with the time it enters each. Between waypoints it steps along the
 * segment (linear in latitude and longitude, the short way round the antimeridian) in steps of at most
 * 100 m and at most half a hexagon edge, so no cell along the way is skipped except a corner clipped by less
 * than a step; times are interpolated linearly along each segment.
 */
public final class RouteWalker {
    /** One entered cell: H3 index and enter time (epoch ms). */
    public record Entry(long cell, long enterMillis) {}

    /** Bound on interpolation work: ≈ 87,000 km at resolution 9. */
    public static final int MAX_STEPS = 1_000_000;

    private RouteWalker() {}

    public static List<Entry> walk(Route route, int resolution) {
        H3Core h3 = H3Cells.h3();
        double step = Math.min(100, h3.getHexagonEdgeLengthAvg(resolution, LengthUnit.m) / 2);
        List<Route.Waypoint> points = route.waypoints();
        GeoPoint first = points.getFirst().point();
        long current = h3.latLngToCell(first.lat(), first.lon(), resolution);
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(current, points.getFirst().time().toEpochMilli()));
        int[] stepsPerSegment = stepsPerSegment(points, step); // checked before any work
        for (int i = 1; i < points.size(); i++) {
            GeoPoint a = points.get(i - 1).point(), b = points.get(i).point();
            long ta = points.get(i - 1).time().toEpochMilli(), tb = points.get(i).time().toEpochMilli();
            int n = stepsPerSegment[i];
            double dLat = b.lat() - a.lat(), dLon = Geodesy.lonDelta(a.lon(), b.lon());
            for (int j = 1; j <= n; j++) {
                double f = (double) j / n;
                double lat = j == n ? b.lat() : a.lat() + f * dLat;
                double lon = j == n ? b.lon() : Geodesy.wrapLon(a.lon() + f * dLon);
                long cell = h3.latLngToCell(lat, lon, resolution);
                if (cell != current) {
                    current = cell;
                    entries.add(new Entry(cell, ta + Math.round(f * (tb - ta))));
                }
            }
        }
        return entries;
    }

    private static int[] stepsPerSegment(List<Route.Waypoint> points, double step) {
        int[] n = new int[points.size()];
        long total = 0;
        for (int i = 1; i < points.size(); i++) {
            n[i] = (int) Math.max(1, Math.ceil(Geodesy.distanceMeters(points.get(i - 1).point(), points.get(i).point()) / step));
            total += n[i];
        }
        if (total > MAX_STEPS) {
            throw new IllegalArgumentException("route too long: " + total + " interpolation steps of " + Math.round(step)
                    + " m, at most " + MAX_STEPS);
        }
        return n;
    }
}
