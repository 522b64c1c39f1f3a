package dev.peerlink.share.qos;

import static dev.peerlink.share.qos.QosTestSupport.MONDAY_0800;
import static dev.peerlink.share.qos.QosTestSupport.SALT;
import static dev.peerlink.share.qos.QosTestSupport.config;
import static dev.peerlink.share.qos.QosTestSupport.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uber.h3core.H3Core;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.QosTestSupport.TestClock;
import dev.peerlink.share.qos.RouteReport.CellVisit;
import dev.peerlink.share.qos.internal.H3Cells;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A route eastwards along 52.52° N through a band of lossy cells between 13.34° and 13.36° E. */
class QosRouteTest {
    private static final double LAT = 52.52, WEST = 13.30, EAST = 13.40, WEAK_FROM = 13.34, WEAK_TO = 13.36;
    private static final Instant START = MONDAY_0800.plusSeconds(300); // the whole trip within hour 8
    private static final Duration TRIP = Duration.ofMinutes(20);

    private final H3Core h3 = H3Cells.h3();
    private final TestClock clock = new TestClock(MONDAY_0800.plus(Duration.ofHours(1)));
    private final QosMap map = new QosMap(config(), new InMemoryQosStore(), SALT, clock);

    private boolean weakArea(long cell) {
        double lon = h3.cellToLatLng(cell).lng;
        return lon >= WEAK_FROM && lon <= WEAK_TO;
    }

    /** Devices report every 5 m along the line: lossy in the weak band's cells, good elsewhere. */
    private void populate(double westLon, double eastLon, java.util.function.LongToIntFunction devicesInCell) {
        Random random = new Random(3);
        Set<Long> done = new HashSet<>();
        for (double lon = westLon; lon <= eastLon; lon += 0.00007) { // ≈ 5 m
            long cell = h3.latLngToCell(LAT, lon, 9);
            if (!done.add(cell)) {
                continue;
            }
            for (int d = 0; d < devicesInCell.applyAsInt(cell); d++) {
                double jitter = random.nextDouble();
                QosSample s = weakArea(cell)
                        ? sample("dev" + d, GeoPoint.of(LAT, lon), MONDAY_0800, 120 + jitter, 5, 1, 20)
                        : sample("dev" + d, GeoPoint.of(LAT, lon), MONDAY_0800, 30 + jitter, 50, 20, 0);
                assertThat(map.ingest(s)).isTrue();
            }
        }
    }

    private static Route straight(double fromLon, double toLon) {
        return new Route(List.of(new Route.Waypoint(GeoPoint.of(LAT, fromLon), START),
                new Route.Waypoint(GeoPoint.of(LAT, toLon), START.plus(TRIP))));
    }

    private static double lonAt(Instant t) {
        double f = Duration.between(START, t).toMillis() / (double) TRIP.toMillis();
        return WEST + f * (EAST - WEST);
    }

    @Test
    void flagsExactlyTheWeakCellsWithTheTimesTheRouteIsInThem() {
        populate(WEST, EAST, cell -> 5);
        RouteReport report = map.route(straight(WEST, EAST));

        List<CellVisit> cells = report.cells();
        assertThat(cells).hasSizeGreaterThan(15); // ≈ 6.8 km through ≈ 300 m wide hexagons
        assertThat(cells.getFirst().enter()).isEqualTo(START);
        assertThat(cells.getLast().leave()).isEqualTo(START.plus(TRIP));
        Set<String> expectedWeak = new HashSet<>();
        for (int i = 0; i < cells.size(); i++) {
            CellVisit v = cells.get(i);
            long cell = h3.stringToH3(v.cell());
            assertThat(v.known()).as("cell %s", v.cell()).isTrue();
            assertThat(v.prediction().hourOfWeek()).isEqualTo(8);
            assertThat(v.weak()).as("cell %s", v.cell()).isEqualTo(weakArea(cell));
            if (v.weak()) {
                expectedWeak.add(v.cell());
                assertThat(v.reason()).contains("loss 20.0 %");
            }
            if (i > 0) {
                assertThat(v.cell()).isNotEqualTo(cells.get(i - 1).cell());
                assertThat(v.enter()).isEqualTo(cells.get(i - 1).leave()).isAfter(cells.get(i - 1).enter());
            }
            // entered within one step (≤ 87 m) of the border: there the route is in the cell, 100 m before it is not
            assertThat(h3.latLngToCell(LAT, lonAt(v.enter()), 9)).isEqualTo(cell);
            if (i > 0) {
                assertThat(h3.latLngToCell(LAT, lonAt(v.enter()) - 0.00148, 9)).isNotEqualTo(cell); // ≈ 100 m west
            }
        }
        assertThat(expectedWeak).hasSizeGreaterThanOrEqualTo(3);
        assertThat(report.weakSpots()).extracting(RouteReport.WeakSpot::cell).containsExactlyElementsOf(
                cells.stream().filter(CellVisit::weak).map(CellVisit::cell).toList());
        for (RouteReport.WeakSpot w : report.weakSpots()) {
            double from = lonAt(w.from()), to = lonAt(w.to());
            assertThat(from).isBetween(WEAK_FROM - 0.01, WEAK_TO + 0.01); // hexagons reach past their centres
            assertThat(to).isGreaterThan(from);
        }
    }

    @Test
    void cellsWithoutDisclosableDataAreUnknownAndNeverWeak() {
        // cells centred east of 13.35 (half the weak band) have too few devices to disclose
        populate(WEST, EAST, cell -> h3.cellToLatLng(cell).lng < 13.35 ? 5 : 4);
        RouteReport report = map.route(straight(WEST, EAST));
        for (CellVisit v : report.cells()) {
            boolean hidden = h3.cellToLatLng(v.cell()).lng >= 13.35;
            assertThat(v.known()).as("cell %s", v.cell()).isEqualTo(!hidden);
            if (hidden) {
                assertThat(v.quality()).isEqualTo("unknown");
                assertThat(v.weak()).isFalse();
            }
        }
        assertThat(report.cells()).filteredOn(v -> !v.known()).isNotEmpty();
        assertThat(report.weakSpots()).isNotEmpty()
                .allSatisfy(w -> assertThat(h3.cellToLatLng(w.cell()).lng).isBetween(WEAK_FROM, 13.35));
    }

    @Test
    void aSingleWaypointRouteReportsItsCellAndRouteLimitsAreEnforced() {
        RouteReport one = map.route(new Route(List.of(new Route.Waypoint(GeoPoint.of(LAT, WEST), START))));
        assertThat(one.cells()).hasSize(1);
        assertThat(one.cells().getFirst().quality()).isEqualTo("unknown");

        List<Route.Waypoint> backwards = new ArrayList<>(List.of(new Route.Waypoint(GeoPoint.of(LAT, WEST), START),
                new Route.Waypoint(GeoPoint.of(LAT, EAST), START.minusSeconds(1))));
        assertThatThrownBy(() -> new Route(backwards)).hasMessageContaining("must not decrease");
        Route aroundTheWorld = new Route(List.of(new Route.Waypoint(GeoPoint.of(0, 0), START),
                new Route.Waypoint(GeoPoint.of(0, 179), START.plusSeconds(1)), new Route.Waypoint(GeoPoint.of(0, -1), START.plusSeconds(2)),
                new Route.Waypoint(GeoPoint.of(0, 178), START.plusSeconds(3)), new Route.Waypoint(GeoPoint.of(0, -2), START.plusSeconds(4)),
                new Route.Waypoint(GeoPoint.of(0, 177), START.plusSeconds(5)), new Route.Waypoint(GeoPoint.of(0, -3), START.plusSeconds(6)),
                new Route.Waypoint(GeoPoint.of(0, 176), START.plusSeconds(7)), new Route.Waypoint(GeoPoint.of(0, -4), START.plusSeconds(8)),
                new Route.Waypoint(GeoPoint.of(0, 175), START.plusSeconds(9)), new Route.Waypoint(GeoPoint.of(0, -5), START.plusSeconds(10))));
        assertThatThrownBy(() -> map.route(aroundTheWorld)).hasMessageContaining("route too long");
    }

    @Test
    void crossesTheAntimeridianTheShortWay() {
        Route r = new Route(List.of(new Route.Waypoint(GeoPoint.of(-17, 179.999), START),
                new Route.Waypoint(GeoPoint.of(-17, -179.999), START.plusSeconds(60))));
        assertThat(map.route(r).cells()).hasSizeLessThan(5); // ≈ 200 m, not round the world
    }
}
