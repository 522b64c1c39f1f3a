package dev.peerlink.exit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.wire.ShareBody;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LookaheadTest {
    static final long T = 1_800_000_000_000L;

    @Test
    void aDeviceDrivingNorthIsProjectedNorthAtItsSpeed() {
        GeoPoint a = GeoPoint.of(31.2304, 121.4737);
        GeoPoint b = Geodesy.destination(a, 0, 100); // 100 m in 10 s: 10 m/s
        List<ShareBody.RoutePoint> route = Lookahead.ahead(new Location(a, 5, LocationSource.GNSS, T),
                new Location(b, 5, LocationSource.GNSS, T + 10_000)).orElseThrow();
        assertThat(route).hasSize(Lookahead.HORIZON_S / Lookahead.STEP_S + 1);
        ShareBody.RoutePoint last = route.get(route.size() - 1);
        assertThat(Geodesy.haversineMeters(b, last.point())).isCloseTo(1200, Offset.offset(2.0));
        assertThat(last.point().lat()).isGreaterThan(b.lat());
        assertThat(last.point().lon()).isCloseTo(b.lon(), Offset.offset(1e-6));
        assertThat(last.timeMillis()).isEqualTo(T + 10_000 + 120_000);
    }

    @Test
    void standingStillOrOutOfOrderFixesPredictNothing() {
        GeoPoint a = GeoPoint.of(31.2304, 121.4737);
        Location l = new Location(a, 5, LocationSource.GNSS, T);
        assertThat(Lookahead.ahead(l, new Location(Geodesy.destination(a, 90, 3), 5, LocationSource.GNSS, T + 10_000))).isEmpty();
        assertThat(Lookahead.ahead(l, new Location(Geodesy.destination(a, 90, 300), 5, LocationSource.GNSS, T - 1))).isEmpty();
    }

    @Test
    void theFirstWeakCellIsReported() {
        ShareBody.CellQuality good = new ShareBody.CellQuality("c1", 1, true, 3, 40, 20, 5, 0, 0, 0.8, "good", 6, false, null);
        ShareBody.CellQuality weak = new ShareBody.CellQuality("c2", 2, true, 3, 900, 0.2, 0.1, 15, 0, 0.1, "poor", 6, true, "loss");
        assertThat(Lookahead.firstWeak(List.of(good, weak))).contains(weak);
        assertThat(Lookahead.firstWeak(List.of(good))).isEmpty();
    }
}
