package dev.peerlink.share.index.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index's correctness rests on two bounds per resolution (every cell's inner radius is at least the one, its
 * outer radius at most the other); re-measure real cells and check the bounds still hold, with some margin.
 */
class CellLevelGeometryTest {
    private static final H3Core H3 = SharedH3.core();

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7, 8, 9})
    void cellSizeBoundsHoldForPentagonNeighbourhoodsPolesAndRandomCells(int resolution) {
        List<Long> cells = new ArrayList<>();
        for (long pentagon : H3.getPentagons(resolution)) {
            cells.addAll(H3.gridDisk(pentagon, 3));
        }
        cells.add(H3.latLngToCell(90, 0, resolution));
        cells.add(H3.latLngToCell(-90, 0, resolution));
        cells.add(H3.latLngToCell(0, 180, resolution));
        Random rnd = new Random(resolution);
        for (int i = 0; i < 1_500; i++) {
            double lat = Math.toDegrees(Math.asin(rnd.nextDouble() * 2 - 1)); // uniform over the sphere
            cells.add(H3.latLngToCell(lat, rnd.nextDouble() * 360 - 180, resolution));
        }

        double minInner = Double.MAX_VALUE, maxOuter = 0;
        for (long cell : cells) {
            double[] radii = innerAndOuterRadius(cell);
            minInner = Math.min(minInner, radii[0]);
            maxOuter = Math.max(maxOuter, radii[1]);
        }
        assertThat(CellLevel.minInnerRadius(resolution)).as("inner bound, res " + resolution)
                .isLessThanOrEqualTo(minInner * 0.9);
        assertThat(CellLevel.maxOuterRadius(resolution)).as("outer bound, res " + resolution)
                .isGreaterThanOrEqualTo(maxOuter * 1.1);
        // and not so loose that finds scan far more cells than they need
        assertThat(CellLevel.minInnerRadius(resolution)).isGreaterThan(minInner * 0.7);
        assertThat(CellLevel.maxOuterRadius(resolution)).isLessThan(maxOuter * 1.3);
    }

    /** Nearest and farthest boundary point from the cell's centre, edges sampled along their great circles. */
    private static double[] innerAndOuterRadius(long cell) {
        LatLng c = H3.cellToLatLng(cell);
        List<LatLng> boundary = H3.cellToBoundary(cell);
        double inner = Double.MAX_VALUE, outer = 0;
        for (int i = 0; i < boundary.size(); i++) {
            double[] a = unit(boundary.get(i)), b = unit(boundary.get((i + 1) % boundary.size()));
            for (int s = 0; s <= 32; s++) {
                double t = s / 32.0;
                // a point of the chord, pushed out to the sphere, lies on the great-circle arc
                double x = a[0] + (b[0] - a[0]) * t, y = a[1] + (b[1] - a[1]) * t, z = a[2] + (b[2] - a[2]) * t;
                double n = Math.sqrt(x * x + y * y + z * z);
                double d = Haversine.meters(c.lat, c.lng, Math.toDegrees(Math.asin(z / n)), Math.toDegrees(Math.atan2(y, x)));
                inner = Math.min(inner, d);
                outer = Math.max(outer, d);
            }
        }
        return new double[] {inner, outer};
    }

    private static double[] unit(LatLng p) {
        double phi = Math.toRadians(p.lat), lambda = Math.toRadians(p.lng);
        return new double[] {Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)};
    }
}
