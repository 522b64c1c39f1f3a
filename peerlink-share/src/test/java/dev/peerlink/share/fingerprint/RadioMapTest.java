package dev.peerlink.share.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.Location;
import dev.peerlink.share.LocationSource;
import dev.peerlink.share.fingerprint.internal.GroundDistance;
import dev.peerlink.share.geo.GeoPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RadioMapTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void locatesRandomSpotsInASurveyedBuildingWithinAFewMetresOnTheRightFloor() {
        SyntheticBuilding building = new SyntheticBuilding(20240501L, 8);
        RadioMap map = new RadioMap();
        map.addAll(building.survey(5, 2));
        assertThat(map.size()).isEqualTo(2 * 13 * 9);

        Random spots = new Random(7);
        int queries = 200, rightFloor = 0;
        double[] errors = new double[queries];
        for (int i = 0; i < queries; i++) {
            double x = spots.nextDouble() * SyntheticBuilding.WIDTH, y = spots.nextDouble() * SyntheticBuilding.DEPTH;
            int floor = spots.nextInt(SyntheticBuilding.FLOORS);
            Location fix = map.locate(building.scan(x, y, floor, 3), 4, NOW).orElseThrow();
            assertThat(fix.source()).isEqualTo(LocationSource.WIFI_FINGERPRINT);
            assertThat(fix.timeMillis()).isEqualTo(NOW);
            assertThat(fix.accuracyMeters()).isGreaterThanOrEqualTo(RadioMap.MIN_ACCURACY_METERS);
            errors[i] = GroundDistance.meters(fix.point(), SyntheticBuilding.at(x, y, floor));
            if (Math.abs(fix.point().alt() - floor * SyntheticBuilding.FLOOR_HEIGHT) < SyntheticBuilding.FLOOR_HEIGHT / 2) {
                rightFloor++;
            }
        }
        Arrays.sort(errors);
        assertThat(errors[queries / 2]).as("median error, m").isLessThan(5);
        assertThat(rightFloor).as("queries placed on the right floor").isGreaterThanOrEqualTo(queries * 9 / 10);
    }

    @Test
    void aQuerySharingNoAccessPointLocatesNothing() {
        SyntheticBuilding building = new SyntheticBuilding(1, 4);
        RadioMap map = new RadioMap();
        map.addAll(building.survey(10, 0));
        WifiFingerprint elsewhere = WifiFingerprint.ofBssids(Map.of("0a:00:00:00:00:01", -50, "0a:00:00:00:00:02", -60));
        assertThat(map.locate(elsewhere, 3, NOW)).isEmpty();
        assertThat(map.locate(new WifiFingerprint(Map.of()), 3, NOW)).isEmpty();
    }

    @Test
    void oneSharedAccessPointIsNotEnough() {
        RadioMap map = new RadioMap();
        map.add(point(0, Map.of("02:00:00:00:00:01", -50, "02:00:00:00:00:02", -60)));
        WifiFingerprint oneKnown = WifiFingerprint.ofBssids(Map.of("02:00:00:00:00:01", -50, "0a:00:00:00:00:09", -40));
        assertThat(map.locate(oneKnown, 1, NOW)).isEmpty();
    }

    @Test
    void weightedMeanFavoursTheCloserSignalMatchAndKeepsAltitudeOnlyWhenAllHaveIt() {
        RadioMap map = new RadioMap();
        ReferencePoint west = point(0, Map.of("02:00:00:00:00:01", -40, "02:00:00:00:00:02", -80));
        ReferencePoint east = new ReferencePoint(GeoPoint.of(31.0, 121.0001), // no altitude
                WifiFingerprint.ofBssids(Map.of("02:00:00:00:00:01", -80, "02:00:00:00:00:02", -40)), "s");
        map.addAll(List.of(west, east));
        WifiFingerprint nearWest = WifiFingerprint.ofBssids(Map.of("02:00:00:00:00:01", -45, "02:00:00:00:00:02", -75));

        Location both = map.locate(nearWest, 2, NOW).orElseThrow();
        // distances 5*sqrt(2) and 35*sqrt(2) dB: weights 7:1, so one eighth of the way east
        assertThat(both.point().lon()).isCloseTo(121.0 + 0.0001 / 8, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(both.point().hasAltitude()).isFalse();

        Location nearest = map.locate(nearWest, 1, NOW).orElseThrow();
        assertThat(nearest.point()).isEqualTo(west.point());
        assertThat(nearest.accuracyMeters()).isEqualTo(RadioMap.MIN_ACCURACY_METERS);
    }

    @Test
    void isBounded() {
        RadioMap map = new RadioMap(2);
        map.add(point(0, Map.of("02:00:00:00:00:01", -50)));
        assertThatThrownBy(() -> map.addAll(List.of(point(1, Map.of("02:00:00:00:00:01", -50)), point(2, Map.of("02:00:00:00:00:01", -50)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most 2");
        assertThat(map.size()).as("a batch that does not fit adds nothing").isEqualTo(1);
        map.add(point(1, Map.of("02:00:00:00:00:01", -50)));
        assertThatThrownBy(() -> map.add(point(2, Map.of("02:00:00:00:00:01", -50)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new RadioMap(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badArgumentsAreRefused() {
        RadioMap map = new RadioMap();
        WifiFingerprint q = WifiFingerprint.ofBssids(Map.of("02:00:00:00:00:01", -50));
        assertThatThrownBy(() -> map.locate(q, 0, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.locate(q, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.locate(null, 1, NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void locatesWhileOtherThreadsAdd() throws Exception {
        SyntheticBuilding building = new SyntheticBuilding(99, 6);
        List<ReferencePoint> survey = building.survey(5, 2);
        RadioMap map = new RadioMap();
        map.addAll(survey.subList(0, survey.size() / 2));
        WifiFingerprint query = survey.get(0).fingerprint();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    int found = 0;
                    for (int i = 0; i < 300; i++) {
                        Optional<Location> fix = map.locate(query, 3, NOW);
                        found += fix.isPresent() ? 1 : 0;
                    }
                    return found;
                }));
            }
            Future<?> writer = pool.submit(() -> survey.subList(survey.size() / 2, survey.size()).forEach(map::add));
            writer.get();
            for (Future<Integer> r : readers) {
                assertThat(r.get()).isEqualTo(300);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(map.size()).isEqualTo(survey.size());
    }

    private static ReferencePoint point(int i, Map<String, Integer> rssiByBssid) {
        return new ReferencePoint(GeoPoint.of(31.0, 121.0, i), WifiFingerprint.ofBssids(rssiByBssid), "s");
    }
}
