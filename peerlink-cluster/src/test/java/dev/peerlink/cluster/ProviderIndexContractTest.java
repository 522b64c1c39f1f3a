package dev.peerlink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.geo.Geodesy;
import dev.peerlink.share.index.H3ProviderIndex;
import dev.peerlink.share.index.ProviderIndex;
import dev.peerlink.testkit.db.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One contract, the in-memory H3 index and the Redis one: the same puts give the same answers, checked by a scan. */
class ProviderIndexContractTest {
    @RegisterExtension
    static final EmbeddedRedis REDIS = new EmbeddedRedis();
    static RedisClient client;
    static final double LAT0 = 48.8566, LON0 = 2.3522;

    static Stream<Arguments> indexes() {
        Supplier<ProviderIndex> h3 = H3ProviderIndex::new;
        Supplier<ProviderIndex> redis = () -> {
            if (client == null) {
                client = RedisClient.create(REDIS.uri());
            }
            try (var c = client.connect()) {
                c.sync().flushall();
            }
            return new RedisProviderIndex(client);
        };
        return Stream.of(Arguments.of("h3", h3), Arguments.of("redis", redis));
    }

    @AfterAll
    static void closeClient() {
        if (client != null) {
            client.shutdown();
        }
    }

    /** The reference: every point measured, nearest first, ties by id. */
    static List<String> scan(Map<String, GeoPoint> points, GeoPoint center, double radius, int limit) {
        return points.entrySet().stream().filter(e -> Geodesy.haversineMeters(center, e.getValue()) <= radius)
                .sorted(Comparator.<Map.Entry<String, GeoPoint>>comparingDouble(e -> Geodesy.haversineMeters(center, e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(limit).map(Map.Entry::getKey).toList();
    }

    static GeoPoint randomIn(Random rnd, double halfMeters) {
        double dLat = (rnd.nextDouble() * 2 - 1) * halfMeters / 111_195.0;
        double dLon = (rnd.nextDouble() * 2 - 1) * halfMeters / 111_195.0 / Math.cos(Math.toRadians(LAT0));
        return GeoPoint.of(LAT0 + dLat, LON0 + dLon, rnd.nextInt(100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexes")
    void findsWhatAScanFindsInTheSameOrder(String name, Supplier<ProviderIndex> make) {
        ProviderIndex index = make.get();
        Random rnd = new Random(7);
        Map<String, GeoPoint> points = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            GeoPoint p = randomIn(rnd, 20_000);
            points.put("dev-" + i, p);
            index.put("dev-" + i, p, Set.of());
        }
        assertThat(index.size()).isEqualTo(3000);
        for (int q = 0; q < 40; q++) {
            GeoPoint c = randomIn(rnd, 20_000);
            double radius = new double[] {50, 500, 2_000, 10_000, 50_000}[q % 5];
            int limit = new int[] {1, 10, 100, 10_000}[q % 4];
            List<ProviderIndex.Hit> hits = index.near(c, radius, limit);
            assertThat(hits.stream().map(ProviderIndex.Hit::deviceId).toList()).as("find %d (%s m, %d)", q, radius, limit)
                    .isEqualTo(scan(points, c, radius, limit));
            hits.forEach(h -> assertThat(h.point()).as("the point as put").isEqualTo(points.get(h.deviceId())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexes")
    void movesRemovesAndTiesAreReflected(String name, Supplier<ProviderIndex> make) {
        ProviderIndex index = make.get();
        GeoPoint here = GeoPoint.of(LAT0, LON0);
        GeoPoint far = GeoPoint.of(LAT0 + 0.2, LON0);
        index.put("b", here, Set.of());
        index.put("a", here, Set.of());
        index.put("c", far, Set.of());
        assertThat(index.near(here, 100, 10).stream().map(ProviderIndex.Hit::deviceId)).containsExactly("a", "b");
        index.put("a", far, Set.of());
        assertThat(index.near(here, 100, 10).stream().map(ProviderIndex.Hit::deviceId)).containsExactly("b");
        assertThat(index.remove("b")).isTrue();
        assertThat(index.remove("b")).isFalse();
        assertThat(index.near(here, 100, 10)).isEmpty();
        assertThat(index.near(far, 100, 10).stream().map(ProviderIndex.Hit::deviceId)).containsExactly("a", "c");
        index.put("c", null, Set.of("wifi-1"));
        assertThat(index.near(far, 100, 10).stream().map(ProviderIndex.Hit::deviceId)).containsExactly("a");
        assertThat(index.size()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexes")
    void networkIdsFindProvidersWithAndWithoutAPointUpToTheLimit(String name, Supplier<ProviderIndex> make) {
        ProviderIndex index = make.get();
        index.put("p1", GeoPoint.of(LAT0, LON0), Set.of("bssid:aa", "cell:1"));
        index.put("p2", null, Set.of("cell:1"));
        index.put("p3", null, Set.of("ssid|with\ttabs"));
        assertThat(index.onNetworks(Set.of("cell:1"), 10)).containsExactlyInAnyOrder("p1", "p2");
        assertThat(index.onNetworks(Set.of("bssid:aa", "ssid|with\ttabs"), 10)).containsExactlyInAnyOrder("p1", "p3");
        assertThat(index.onNetworks(Set.of("cell:1"), 1)).hasSize(1);
        assertThat(index.onNetworks(Set.of("nothing"), 10)).isEmpty();
        index.put("p1", GeoPoint.of(LAT0, LON0), Set.of());
        assertThat(index.onNetworks(Set.of("cell:1", "bssid:aa"), 10)).containsExactly("p2");
        index.remove("p2");
        assertThat(index.onNetworks(Set.of("cell:1"), 10)).isEmpty();
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            index.put("m" + i, null, Set.of("shared"));
            many.add("m" + i);
        }
        assertThat(new HashSet<>(index.onNetworks(Set.of("shared"), 10_000))).isEqualTo(new HashSet<>(many));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexes")
    void refusesTheSameMalformedCalls(String name, Supplier<ProviderIndex> make) {
        ProviderIndex index = make.get();
        GeoPoint p = GeoPoint.of(LAT0, LON0);
        assertThatThrownBy(() -> index.put("bad id", p, Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put("ok", p, Set.of(" "))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(p, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(p, ProviderIndex.MAX_RADIUS_METERS + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(p, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.near(null, 10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.onNetworks(Set.of("x"), ProviderIndex.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.size()).isZero();
    }
}
