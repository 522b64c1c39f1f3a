package dev.peerlink.share.qos;

import dev.peerlink.share.geo.GeoPoint;
import java.time.Instant;
import java.util.List;

/**
 * A planned or recorded path: positions with the times the requester is (expected) there, in order. Times
 * never decrease.
 */
public record Route(List<Waypoint> waypoints) {
    public static final int MAX_WAYPOINTS = 10_000;

    public record Waypoint(GeoPoint point, Instant time) {
        public Waypoint {
            if (point == null || time == null) {
                throw new IllegalArgumentException("waypoint needs a point and a time");
            }
        }
    }

    public Route {
        if (waypoints == null || waypoints.isEmpty() || waypoints.size() > MAX_WAYPOINTS) {
            throw new IllegalArgumentException("route needs 1.." + MAX_WAYPOINTS + " waypoints, got "
                    + (waypoints == null ? "none" : waypoints.size()));
        }
        waypoints = List.copyOf(waypoints); // also rejects null entries
        for (int i = 1; i < waypoints.size(); i++) {
            if (waypoints.get(i).time().isBefore(waypoints.get(i - 1).time())) {
                throw new IllegalArgumentException("route times must not decrease: waypoint " + i + " at "
                        + waypoints.get(i).time() + " is before " + waypoints.get(i - 1).time());
            }
        }
    }

    public static Route of(List<Waypoint> waypoints) {
        return new Route(waypoints);
    }

    public Instant start() {
        return waypoints.getFirst().time();
    }

    public Instant end() {
        return waypoints.getLast().time();
    }
}
