package dev.peerlink.exit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A device driving north towards a weak stretch: one more provider before it gets there, back to two after. */
class WeakSpotWatcherTest {
    static final GeoPoint START = GeoPoint.of(31.2304, 121.4737);
    static final long T0 = 1_800_000_000_000L;
    /** The weak stretch of road: 1.5 to 2.5 km north of the start. */
    static final double WEAK_FROM = 1500, WEAK_TO = 2500;

    final List<Integer> targets = new ArrayList<>();
    final List<WeakSpotWatcher.Change> changes = new ArrayList<>();
    final List<List<ShareBody.RoutePoint>> asked = new ArrayList<>();

    /** A QoS map that knows the weak stretch: a cell per route point, weak where the point lies in it. */
    CompletableFuture<List<ShareBody.CellQuality>> qos(List<ShareBody.RoutePoint> route) {
        asked.add(route);
        List<ShareBody.CellQuality> cells = new ArrayList<>();
        for (ShareBody.RoutePoint p : route) {
            double north = Geodesy.haversineMeters(START, GeoPoint.of(p.point().lat(), START.lon()));
            boolean weak = north >= WEAK_FROM && north <= WEAK_TO;
            cells.add(new ShareBody.CellQuality("c" + (int) (north / 200), p.timeMillis(), true, 3, weak ? 900 : 40, weak ? 0.2 : 20,
                    weak ? 0.1 : 5, weak ? 15 : 0, 0, weak ? 0.1 : 0.8, weak ? "poor" : "good", 7, weak, weak ? "loss" : null));
        }
        return CompletableFuture.completedFuture(cells);
    }

    @Test
    void oneMoreProviderIsConnectedBeforeTheWeakStretchAndReleasedAfter() {
        WeakSpotWatcher w = new WeakSpotWatcher(this::qos, targets::add, 2, changes::add);
        // 15 m/s north for 4 minutes, a fix every second
        List<Double> metersWhenRaised = new ArrayList<>();
        for (int s = 0; s <= 240; s++) {
            double north = 15.0 * s;
            int before = targets.size();
            w.accept(new Location(Geodesy.destination(START, 0, north), 5, LocationSource.GNSS, T0 + s * 1000L));
            if (targets.size() > before && targets.get(targets.size() - 1) == 3) {
                metersWhenRaised.add(north);
            }
        }
        assertThat(targets).containsExactly(3, 2);
        // raised while still before the stretch: up to 2 minutes (1.8 km at 15 m/s) ahead, never inside it
        assertThat(metersWhenRaised).singleElement().satisfies(m -> assertThat(m).isLessThan(WEAK_FROM).isGreaterThan(WEAK_FROM - 1800 - 1));
        assertThat(changes.get(0).weak()).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("loss"));
        assertThat(changes.get(1).weak()).isEmpty();
        assertThat(asked).isNotEmpty().allSatisfy(r -> assertThat(r).hasSize(Lookahead.HORIZON_S / Lookahead.STEP_S + 1));
    }

    @Test
    void aDeviceStandingStillAsksNothing() {
        WeakSpotWatcher w = new WeakSpotWatcher(this::qos, targets::add, 2, changes::add);
        for (int s = 0; s <= 60; s++) {
            w.accept(new Location(START, 5, LocationSource.GNSS, T0 + s * 1000L));
        }
        assertThat(asked).isEmpty();
        assertThat(targets).isEmpty();
    }
}
