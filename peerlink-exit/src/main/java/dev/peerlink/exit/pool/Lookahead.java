package dev.peerlink.exit.pool;

import dev.peerlink.share.Location;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a moving requester will be (seed 001: connect before the weak spot): from its last two fixes, the points
 * {@link #STEP_S} s apart over the next {@link #HORIZON_S} s on a straight line at the current speed, to ask the QoS
 * map about. Pure.
 */
public final class Lookahead {
    public static final int HORIZON_S = 120, STEP_S = 10;
    /** Slower than this the device is not going anywhere: nothing to predict. */
    public static final double MIN_SPEED_MPS = 1.0;

    private Lookahead() {}

    /** The route ahead, or empty when the device stands still (or the fixes are out of order). */
    public static Optional<List<ShareBody.RoutePoint>> ahead(Location previous, Location latest) {
        double seconds = (latest.timeMillis() - previous.timeMillis()) / 1000.0;
        if (seconds <= 0) {
            return Optional.empty();
        }
        double meters = Geodesy.haversineMeters(previous.point(), latest.point());
        double speed = meters / seconds;
        if (speed < MIN_SPEED_MPS) {
            return Optional.empty();
        }
        double bearing = bearing(previous.point(), latest.point());
        List<ShareBody.RoutePoint> out = new ArrayList<>();
        for (int t = 0; t <= HORIZON_S; t += STEP_S) {
            out.add(new ShareBody.RoutePoint(Geodesy.destination(latest.point(), bearing, speed * t), latest.timeMillis() + t * 1000L));
        }
        return Optional.of(out);
    }

    /** The first weak cell among {@code cells}, if any. */
    public static Optional<ShareBody.CellQuality> firstWeak(List<ShareBody.CellQuality> cells) {
        return cells.stream().filter(ShareBody.CellQuality::weak).findFirst();
    }

    /** Initial great-circle bearing from a to b, degrees clockwise from north. */
    static double bearing(GeoPoint a, GeoPoint b) {
        double f1 = Math.toRadians(a.lat()), f2 = Math.toRadians(b.lat()), dl = Math.toRadians(b.lon() - a.lon());
        double y = Math.sin(dl) * Math.cos(f2);
        double x = Math.cos(f1) * Math.sin(f2) - Math.sin(f1) * Math.cos(f2) * Math.cos(dl);
        return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
    }
}
