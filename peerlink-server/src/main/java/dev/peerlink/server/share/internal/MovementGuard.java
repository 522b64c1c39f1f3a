package dev.peerlink.server.share.internal;

import dev.peerlink.share.Location;
import dev.peerlink.share.geo.Geodesy;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses claimed positions that jump further than a device could have moved: more than {@code maxSpeed} times the
 * time between two claims plus both accuracy radii (a position "accurate to 1 m" 10 km from the last one a second
 * ago is a lie; one accurate to 20 km is just coarse). Together with the find rate limit and the 10 m rounding this is
 * what keeps a requester from trilaterating providers by claiming positions around them.
 */
final class MovementGuard {
    private final double maxSpeedMps;
    private final ConcurrentHashMap<String, Seen> last = new ConcurrentHashMap<>();

    /** A claim and when the server received it (the device's own timestamps are not trusted for speed). */
    private record Seen(Location location, long atMillis) {}

    MovementGuard(double maxSpeedMps) {
        this.maxSpeedMps = maxSpeedMps;
    }

    /** Records {@code now} as the device's position, or returns false (and keeps the old one) when it is implausible. */
    boolean accept(String device, Location now, long nowMillis) {
        boolean[] ok = {true};
        last.compute(device, (k, prev) -> {
            if (prev == null) {
                return new Seen(now, nowMillis);
            }
            double seconds = Math.max(1, nowMillis - prev.atMillis()) / 1000.0;
            double allowed = maxSpeedMps * seconds + prev.location().accuracyMeters() + now.accuracyMeters();
            if (Geodesy.haversineMeters(prev.location().point(), now.point()) > allowed) {
                ok[0] = false;
                return prev;
            }
            return new Seen(now, nowMillis);
        });
        return ok[0];
    }

    void forget(String device) {
        last.remove(device);
    }

    /** Drops devices not heard from for {@code idleMillis} (their next claim starts afresh). */
    void sweep(long nowMillis, long idleMillis) {
        last.values().removeIf(s -> nowMillis - s.atMillis() > idleMillis);
    }
}
