package dev.peerlink.share.index;

import static dev.peerlink.share.index.ReferenceProviders.randomIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import com.uber.h3core.util.LatLng;
import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex.Hit;
import dev.peerlink.share.index.internal.SharedH3;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where grids and longitudes misbehave: the antimeridian, the poles, and H3's pentagons. */
class H3ProviderIndexEdgesTest {
    private final Random rnd = new Random(7);
    private final H3ProviderIndex index = new H3ProviderIndex();
    private final ReferenceProviders reference = new ReferenceProviders();

    @Test
    void providersEitherSideOfTheAntimeridianAreFoundFromEitherSide() {
        index.put("east", GeoPoint.of(10, 179.9999), Set.of());
        index.put("west", GeoPoint.of(10, -179.9999), Set.of());
        // 0.0002 degrees of longitude at 10 N is about 21.9 m
        for (GeoPoint from : new GeoPoint[] {GeoPoint.of(10, 179.9999), GeoPoint.of(10, -179.9999)}) {
            assertThat(index.near(from, 30, 10)).extracting(Hit::deviceId).containsExactlyInAnyOrder("east", "west");
            assertThat(index.near(from, 30, 10).get(1).groundMeters()).isBetween(21.0, 23.0);
        }
        for (GeoPoint from : new GeoPoint[] {GeoPoint.of(10, 180), GeoPoint.of(10, -180)}) {
            assertThat(index.near(from, 12, 10)).extracting(Hit::deviceId).containsExactlyInAnyOrder("east", "west");
        }
        assertThat(index.near(GeoPoint.of(10, 179.99995), 15, 10)).extracting(Hit::deviceId).containsExactly("east");
        assertThat(index.near(GeoPoint.of(10, -179.99995), 15, 10)).extracting(Hit::deviceId).containsExactly("west");
    }

    @Test
    void aCrowdAcrossTheAntimeridianAgreesWithTheScan() {
        crowdAgreesWithTheScan(-16.5, 180, 0.05, 0.07, 5_000);
    }

    @Test
    void providersAroundTheNorthPoleAreFoundAcrossIt() {
        // four providers about 1.1 km from the pole, a quarter turn apart: neighbours 1.57 km, opposites 2.22 km
        index.put("lon0", GeoPoint.of(89.99, 0), Set.of());
        index.put("lon90", GeoPoint.of(89.99, 90), Set.of());
        index.put("lon180", GeoPoint.of(89.99, 180), Set.of());
        index.put("lon-90", GeoPoint.of(89.99, -90), Set.of());

        // the two neighbours are equally far, so they come in id order
        assertThat(index.near(GeoPoint.of(89.99, 0), 2_300, 10)).extracting(Hit::deviceId)
                .containsExactly("lon0", "lon-90", "lon90", "lon180");
        assertThat(index.near(GeoPoint.of(89.99, 0), 1_600, 10)).extracting(Hit::deviceId)
                .containsExactly("lon0", "lon-90", "lon90");
        assertThat(index.near(GeoPoint.of(90, 0), 1_200, 10)).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(doubles = {89.95, -89.95})
    void aCrowdAroundAPoleAgreesWithTheScan(double lat) {
        crowdAgreesWithTheScan(lat, 0, 0.05, 180, 20_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 7, 5})
    void aCrowdAroundAPentagonAgreesWithTheScan(int resolution) {
        // pentagon cells are the smallest and most distorted, so they test the ring count and the cell-size bounds
        H3Core h3 = SharedH3.core();
        long pentagon = h3.getPentagons(resolution).stream().skip(resolution).findFirst().orElseThrow();
        LatLng c = h3.cellToLatLng(pentagon);
        double halfLat = h3.getHexagonEdgeLengthAvg(resolution, LengthUnit.m) * 8 / 111_195.0;
        crowdAgreesWithTheScan(c.lat, c.lng, halfLat, halfLat / Math.cos(Math.toRadians(c.lat)), 50_000);
    }

    private void crowdAgreesWithTheScan(double lat0, double lon0, double halfLat, double halfLon, double maxRadius) {
        for (int i = 0; i < 3_000; i++) {
            GeoPoint p = randomIn(rnd, lat0, lon0, halfLat, halfLon);
            index.put("p" + i, p, Set.of());
            reference.put("p" + i, p, Set.of());
        }
        int hits = 0;
        for (int q = 0; q < 200; q++) {
            GeoPoint center = randomIn(rnd, lat0, lon0, halfLat * 1.1, halfLon * 1.1);
            double radius = 10 * Math.pow(maxRadius / 10, rnd.nextDouble());
            hits += reference.assertSameAnswer(index, center, radius, ProviderIndex.MAX_LIMIT);
        }
        assertThat(hits).as("the queries found something").isGreaterThan(3_000);
    }
}
