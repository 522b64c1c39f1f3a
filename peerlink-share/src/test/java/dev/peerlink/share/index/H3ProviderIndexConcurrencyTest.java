package dev.peerlink.share.index;

import static dev.peerlink.share.index.ReferenceProviders.randomIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.index.ProviderIndex.Hit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class H3ProviderIndexConcurrencyTest {
    private static final double LAT0 = 52.52, LON0 = 13.405, HALF_LAT = 0.03, HALF_LON = 0.05; // 7 km x 7 km of Berlin
    private static final int WRITERS = 4, READERS = 3, OWN_IDS = 500, SHARED_IDS = 100, OPS = 10_000;

    private final H3ProviderIndex index = new H3ProviderIndex();

    private record Placed(GeoPoint point, Set<String> networks) {}

    @Test
    void concurrentPutsRemovesAndFindsLeaveAConsistentIndex() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<Map<String, Placed>>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int seed = w;
                writers.add(pool.submit(() -> write(seed, start)));
            }
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int seed = 100 + r;
                readers.add(pool.submit(() -> read(seed, start, writing)));
            }
            start.countDown();

            ReferenceProviders reference = new ReferenceProviders();
            for (Future<Map<String, Placed>> writer : writers) {
                writer.get(30, TimeUnit.SECONDS).forEach((id, p) -> reference.put(id, p.point(), p.networks()));
            }
            writing.set(false);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(30, TimeUnit.SECONDS)).as("finds checked by a reader").isGreaterThan(10);
            }

            // the shared ids' last writer is unknown: settle them from here, which also exercises their re-filing
            Random rnd = new Random(99);
            for (int i = 0; i < SHARED_IDS; i++) {
                String id = "s-" + i;
                if (i % 4 == 0) {
                    index.remove(id);
                } else {
                    GeoPoint p = randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON);
                    index.put(id, p, Set.of("shared"));
                    reference.put(id, p, Set.of("shared"));
                }
            }

            assertThat(index.size()).isEqualTo(reference.size());
            reference.assertSameAnswer(index, GeoPoint.of(LAT0, LON0), 20_000, ProviderIndex.MAX_LIMIT);
            for (int q = 0; q < 200; q++) {
                reference.assertSameAnswer(index, randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON), 10 * Math.pow(300, rnd.nextDouble()),
                        ProviderIndex.MAX_LIMIT);
            }
            for (String net : List.of("shared", "net-0", "net-1", "net-2", "net-3", "own-0", "own-3")) {
                assertThat(index.onNetworks(Set.of(net), ProviderIndex.MAX_LIMIT))
                        .containsExactlyInAnyOrderElementsOf(reference.onNetworks(Set.of(net)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Walks, jumps, drops and removes its own providers and some shared ones; returns where it left its own. */
    private Map<String, Placed> write(int seed, CountDownLatch start) throws InterruptedException {
        Random rnd = new Random(seed);
        Map<String, Placed> mine = new HashMap<>();
        start.await();
        for (int op = 0; op < OPS; op++) {
            boolean shared = rnd.nextInt(5) == 0;
            String id = shared ? "s-" + rnd.nextInt(SHARED_IDS) : "w" + seed + "-" + rnd.nextInt(OWN_IDS);
            int kind = rnd.nextInt(20);
            if (kind == 0) {
                index.remove(id);
                mine.remove(id);
                continue;
            }
            Placed was = mine.get(id);
            GeoPoint point = kind == 1 ? null
                    : was == null || was.point() == null || kind < 6 ? randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON)
                    : randomIn(rnd, was.point().lat(), was.point().lon(), 0.0002, 0.0003);
            Set<String> networks = Set.of("net-" + rnd.nextInt(WRITERS), "own-" + seed);
            index.put(id, point, networks);
            mine.put(id, new Placed(point, networks));
        }
        mine.keySet().removeIf(id -> id.startsWith("s-"));
        return mine;
    }

    /** Finds while the writers run; every answer must be well formed even if it mixes moments. */
    private int read(int seed, CountDownLatch start, AtomicBoolean writing) throws InterruptedException {
        Random rnd = new Random(seed);
        start.await();
        int finds = 0;
        while (writing.get() || finds < 50) {
            GeoPoint center = randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON);
            double radius = 10 * Math.pow(500, rnd.nextDouble());
            List<Hit> hits = index.near(center, radius, 1 + rnd.nextInt(200));
            Set<String> ids = new HashSet<>();
            double last = 0;
            for (Hit hit : hits) {
                // plain checks: AssertJ per hit would slow the readers enough to hide races
                double d = hit.groundMeters();
                String problem = !ids.add(hit.deviceId()) ? "listed twice"
                        : d > radius ? "beyond the radius"
                        : d < last ? "out of order"
                        : Math.abs(d - ReferenceProviders.groundMeters(center, hit.point())) > 1e-6 ? "wrong distance" : null;
                if (problem != null) {
                    throw new AssertionError(hit + " " + problem + " in a find at " + center + " within " + radius + " m");
                }
                last = d;
            }
            finds++;
        }
        return finds;
    }
}
