package dev.peerlink.share.index;

import static dev.peerlink.share.index.ReferenceProviders.randomIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex.Hit;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class H3ProviderIndexTest {
    // a 20 km x 20 km city around central Paris
    private static final double LAT0 = 48.8566, LON0 = 2.3522, HALF_LAT = 0.09, HALF_LON = 0.137;
    private static final int PROVIDERS = 10_000;

    private final Random rnd = new Random(20240917);
    private final H3ProviderIndex index = new H3ProviderIndex();
    private final ReferenceProviders reference = new ReferenceProviders();

    @BeforeEach
    void fillTheCity() {
        for (int i = 0; i < PROVIDERS; i++) {
            putBoth(id(i), randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON), Set.of("net-" + (i % 50)));
        }
    }

    @Test
    void findsTheSameProvidersInTheSameOrderAsABruteForceScan() {
        int hits = 0, empty = 0;
        for (int q = 0; q < 500; q++) {
            int n = reference.assertSameAnswer(index, randomCenter(), randomRadius(), ProviderIndex.MAX_LIMIT);
            hits += n;
            empty += n == 0 ? 1 : 0;
        }
        assertThat(hits).as("the queries found plenty").isGreaterThan(20_000);
        assertThat(empty).as("and some found nothing").isBetween(1, 400);
    }

    @Test
    void aSmallLimitKeepsTheNearest() {
        for (int q = 0; q < 150; q++) {
            reference.assertSameAnswer(index, randomCenter(), randomRadius(), 1 + rnd.nextInt(20));
        }
    }

    @Test
    void wideFindsUpToTheCapAgreeWithTheScan() {
        for (double radius : new double[] {8_000, 15_000, 30_000, ProviderIndex.MAX_RADIUS_METERS}) {
            reference.assertSameAnswer(index, randomCenter(), radius, ProviderIndex.MAX_LIMIT);
            reference.assertSameAnswer(index, randomCenter(), radius, 50);
        }
    }

    @Test
    void movesAndRemovesAreReflected() {
        for (int i = 0; i < 3_000; i++) {
            String id = id(rnd.nextInt(PROVIDERS));
            GeoPoint was = reference.pointOf(id);
            GeoPoint to = i % 3 == 0
                    ? randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON) // a jump across town
                    : randomIn(rnd, was.lat(), was.lon(), 0.00005, 0.00007); // a few metres' walk
            putBoth(id, to, Set.of("net-" + (i % 50)));
        }
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = id(rnd.nextInt(PROVIDERS));
            assertThat(index.remove(id)).isEqualTo(reference.remove(id));
            removed.add(id);
        }
        assertThat(index.remove("never-there")).isFalse();
        assertThat(index.size()).isEqualTo(reference.size()).isEqualTo(PROVIDERS - removed.size());

        for (int q = 0; q < 200; q++) {
            reference.assertSameAnswer(index, randomCenter(), randomRadius(), ProviderIndex.MAX_LIMIT);
        }
        Set<String> onAnyNetwork = new HashSet<>();
        for (int n = 0; n < 50; n += 10) {
            onAnyNetwork.addAll(index.onNetworks(
                    Set.of("net-" + n, "net-" + (n + 1), "net-" + (n + 2), "net-" + (n + 3), "net-" + (n + 4),
                            "net-" + (n + 5), "net-" + (n + 6), "net-" + (n + 7), "net-" + (n + 8), "net-" + (n + 9)),
                    ProviderIndex.MAX_LIMIT));
        }
        assertThat(onAnyNetwork).as("every provider still held, and no removed one").hasSize(reference.size())
                .doesNotContainAnyElementsOf(removed);
    }

    @Test
    void cellsAndNetworksLeftEmptyAreDropped() {
        GeoPoint farAway = GeoPoint.of(-33.8688, 151.2093);
        for (int i = 0; i < PROVIDERS; i++) {
            index.put(id(i), farAway, Set.of("one"));
        }
        assertThat(index.occupiedCells()).as("one cell per level").isEqualTo(3);
        assertThat(index.networkCount()).isEqualTo(1);

        for (int i = 0; i < PROVIDERS; i++) {
            assertThat(index.remove(id(i))).isTrue();
        }
        assertThat(index.size()).isZero();
        assertThat(index.occupiedCells()).isZero();
        assertThat(index.networkCount()).isZero();
        assertThat(index.near(farAway, 1_000, 10)).isEmpty();
    }

    @Test
    void aRefreshWithinTheSameCellMovesThePoint() {
        GeoPoint at = GeoPoint.of(LAT0, LON0);
        index.put("walker", at, Set.of());
        GeoPoint stepped = GeoPoint.of(LAT0 + 0.00001, LON0 + 0.00001, 35); // about 1.3 m, now with an altitude
        index.put("walker", stepped, Set.of());

        List<Hit> hits = index.near(stepped, 0.5, 10);
        assertThat(hits).extracting(Hit::deviceId).contains("walker");
        assertThat(hits.stream().filter(h -> h.deviceId().equals("walker")).findFirst().orElseThrow().point())
                .isEqualTo(stepped);
    }

    @Test
    void providersOnOnePointAreOrderedById() {
        GeoPoint spot = GeoPoint.of(LAT0 + 0.3, LON0); // outside the city, so only these are there
        for (String id : List.of("c", "a", "b", "e", "d")) {
            index.put(id, spot, Set.of());
        }
        assertThat(index.near(spot, 10, 10)).extracting(Hit::deviceId).containsExactly("a", "b", "c", "d", "e");
        assertThat(index.near(spot, 10, 3)).extracting(Hit::deviceId).containsExactly("a", "b", "c");
        assertThat(index.near(spot, 0, 10)).extracting(Hit::groundMeters).containsOnly(0.0);
    }

    @Test
    void networkIdsFindProvidersWithAndWithoutAPoint() {
        index.put("roamer", null, Set.of("bssid-aa", "cell-1"));
        index.put("fixed", GeoPoint.of(LAT0, LON0), Set.of("bssid-aa"));

        assertThat(index.onNetworks(Set.of("bssid-aa"), 10)).containsExactlyInAnyOrder("roamer", "fixed");
        assertThat(index.onNetworks(Set.of("cell-1", "nowhere"), 10)).containsExactly("roamer");
        assertThat(index.onNetworks(Set.of("nowhere"), 10)).isEmpty();
        assertThat(index.near(GeoPoint.of(LAT0, LON0), 50_000, ProviderIndex.MAX_LIMIT))
                .extracting(Hit::deviceId).contains("fixed").doesNotContain("roamer");

        // networks replaced, then the point dropped, then regained
        index.put("roamer", null, Set.of("cell-2"));
        assertThat(index.onNetworks(Set.of("bssid-aa"), 10)).containsExactly("fixed");
        index.put("fixed", null, Set.of("bssid-aa"));
        assertThat(index.near(GeoPoint.of(LAT0, LON0), 1, 10)).extracting(Hit::deviceId).doesNotContain("fixed");
        index.put("fixed", GeoPoint.of(LAT0, LON0), Set.of());
        assertThat(index.near(GeoPoint.of(LAT0, LON0), 1, 10)).extracting(Hit::deviceId).contains("fixed");
        assertThat(index.onNetworks(Set.of("bssid-aa"), 10)).isEmpty();
    }

    @Test
    void networkLookupAgreesWithTheScanAndHonoursTheLimit() {
        for (int q = 0; q < 20; q++) {
            int a = rnd.nextInt(60), b = (a + 1 + rnd.nextInt(59)) % 60; // two different ids; 50..59 are unused
            Set<String> nets = Set.of("net-" + a, "net-" + b);
            List<String> ids = index.onNetworks(nets, ProviderIndex.MAX_LIMIT);
            assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(reference.onNetworks(nets));
        }
        List<String> few = index.onNetworks(Set.of("net-1", "net-2"), 7);
        assertThat(few).hasSize(7).doesNotHaveDuplicates();
        assertThat(reference.onNetworks(Set.of("net-1", "net-2"))).containsAll(few);
    }

    @Test
    void coarserCellsServeWiderFinds() {
        assertThat(index.resolutionFor(10)).isEqualTo(9);
        assertThat(index.resolutionFor(800)).isEqualTo(9);
        assertThat(index.resolutionFor(2_000)).isEqualTo(7);
        assertThat(index.resolutionFor(20_000)).isEqualTo(5);
        assertThat(index.resolutionFor(ProviderIndex.MAX_RADIUS_METERS)).isEqualTo(5);
    }

    @Test
    void rejectsMalformedFindsAndPuts() {
        GeoPoint c = GeoPoint.of(LAT0, LON0);
        assertThatThrownBy(() -> index.near(c, 50_001, 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("radius");
        assertThatThrownBy(() -> index.near(c, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(c, Double.NaN, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(null, 10, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(c, 10, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> index.near(c, 10, 10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.onNetworks(Set.of("x"), 0)).isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> index.put("bad id!", c, Set.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device id");
        assertThatThrownBy(() -> index.put(null, c, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put("x".repeat(65), c, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put("ok", c, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put("ok", c, Set.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put("ok", c, Set.of("n".repeat(129)))).isInstanceOf(IllegalArgumentException.class);
        Set<String> tooMany = new HashSet<>();
        IntStream.range(0, 65).forEach(i -> tooMany.add("n" + i));
        assertThatThrownBy(() -> index.put("ok", c, tooMany)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
        assertThatThrownBy(() -> index.put("ok", c, Collections.singleton(null))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.remove("bad id!")).isInstanceOf(IllegalArgumentException.class);

        assertThat(index.size()).as("nothing half-filed by the rejected puts").isEqualTo(PROVIDERS);
    }

    private void putBoth(String id, GeoPoint point, Set<String> networks) {
        index.put(id, point, networks);
        reference.put(id, point, networks);
    }

    private GeoPoint randomCenter() {
        return randomIn(rnd, LAT0, LON0, HALF_LAT * 1.1, HALF_LON * 1.1);
    }

    /** Log-uniform in 10 m .. 5 km: small finds are the common case, but every scale is covered. */
    private double randomRadius() {
        return 10 * Math.pow(500, rnd.nextDouble());
    }

    private static String id(int i) {
        return "p-" + i;
    }
}
