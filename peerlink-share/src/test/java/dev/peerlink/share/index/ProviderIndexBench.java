package dev.peerlink.share.index;

import static dev.peerlink.share.index.ReferenceProviders.randomIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.share.geo.GeoPoint;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Timing smoke for the goal figures: 100,000 providers over a 30 km city. Not a rigorous benchmark (no JMH, one
 * fork, rough heap figures). Run it with {@code -Dgroups=bench -Dtest=ProviderIndexBench}.
 */
@Tag("bench")
class ProviderIndexBench {
    private static final double LAT0 = 48.8566, LON0 = 2.3522;
    private static final double HALF_LAT = 15_000 / 111_195.0, HALF_LON = HALF_LAT / Math.cos(Math.toRadians(LAT0));
    private static final int N = 100_000;

    @Test
    void hundredThousandProvidersOverACity() throws Exception {
        Random rnd = new Random(1);
        long heap0 = usedHeap();
        String[] ids = new String[N];
        GeoPoint[] points = new GeoPoint[N];
        for (int i = 0; i < N; i++) {
            ids[i] = "device-" + Long.toHexString(rnd.nextLong()); // ~23 characters, like a real id
            points[i] = randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON);
        }
        long heap1 = usedHeap();

        H3ProviderIndex index = new H3ProviderIndex();
        long t = System.nanoTime();
        for (int i = 0; i < N; i++) {
            index.put(ids[i], points[i], Set.of());
        }
        double insertPerSec = N / ((System.nanoTime() - t) / 1e9);
        long heap2 = usedHeap();
        // the index keeps the caller's id String (shared with the bench here) but copies the point's coordinates
        System.out.printf("heap: index structures %.0f B/provider (besides the id String); the bench's id String + GeoPoint %.0f B/provider%n",
                (heap2 - heap1) / (double) N, (heap1 - heap0) / (double) N);
        System.out.printf("inserts: %,.0f /s%n", insertPerSec);

        // refreshes: a walk of a few metres (mostly the same res-9 cell), then jumps across town (new cells)
        for (int round = 0; round < 3; round++) {
            System.out.printf("refresh (walk) round %d: %,.0f /s%n", round, refreshes(index, ids, points, rnd, 1_000_000, false));
        }
        System.out.printf("refresh (jump): %,.0f /s%n", refreshes(index, ids, points, rnd, 300_000, true));
        assertThat(index.size()).isEqualTo(N);

        for (int i = 0; i < 30_000; i++) { // warm up
            index.near(randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON), 10 * Math.pow(500, rnd.nextDouble()), 100);
        }
        for (double radius : new double[] {100, 500, 1_000, 2_000, 5_000}) {
            queries(index, rnd, radius, 100, 5_000, "");
        }
        queries(index, rnd, 5_000, ProviderIndex.MAX_LIMIT, 1_000, "");
        queries(index, rnd, ProviderIndex.MAX_RADIUS_METERS, 100, 200, "");

        // finds while another thread refreshes: as fast as it can (a core's worth), then at a paced 20,000/s
        for (int perSecond : new int[] {0, 20_000}) {
            String note = perSecond == 0 ? " (flat-out refresher)" : " (" + perSecond + " refreshes/s)";
            AtomicBoolean running = new AtomicBoolean(true);
            long[] refreshed = new long[1];
            Thread writer = Thread.ofPlatform().start(() -> {
                Random wr = new Random(2);
                long start = System.nanoTime();
                while (running.get()) {
                    int i = wr.nextInt(N);
                    GeoPoint p = points[i];
                    points[i] = GeoPoint.of(p.lat() + (wr.nextDouble() - 0.5) * 6e-5, p.lon() + (wr.nextDouble() - 0.5) * 9e-5);
                    index.put(ids[i], points[i], Set.of());
                    if (++refreshed[0] % 100 == 0 && perSecond > 0) {
                        long due = start + refreshed[0] * 1_000_000_000L / perSecond;
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
            });
            long w0 = System.nanoTime();
            for (double radius : new double[] {500, 2_000}) {
                queries(index, rnd, radius, 100, 5_000, note);
            }
            running.set(false);
            writer.join();
            System.out.printf("  refresher managed %,.0f /s%n", refreshed[0] / ((System.nanoTime() - w0) / 1e9));
        }
    }

    private static double refreshes(H3ProviderIndex index, String[] ids, GeoPoint[] points, Random rnd, int count, boolean jump) {
        long t = System.nanoTime();
        for (int k = 0; k < count; k++) {
            int i = rnd.nextInt(N);
            GeoPoint p = points[i];
            points[i] = jump ? randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON)
                    : GeoPoint.of(p.lat() + (rnd.nextDouble() - 0.5) * 6e-5, p.lon() + (rnd.nextDouble() - 0.5) * 9e-5);
            index.put(ids[i], points[i], Set.of());
        }
        return count / ((System.nanoTime() - t) / 1e9);
    }

    private static void queries(H3ProviderIndex index, Random rnd, double radius, int limit, int count, String note) {
        long[] nanos = new long[count];
        long hits = 0;
        for (int q = 0; q < count; q++) {
            GeoPoint center = randomIn(rnd, LAT0, LON0, HALF_LAT, HALF_LON);
            long t = System.nanoTime();
            hits += index.near(center, radius, limit).size();
            nanos[q] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf("near r=%,.0f m limit %d%s: p50 %.3f ms, p99 %.3f ms, max %.3f ms, %.0f hits avg (res %d)%n",
                radius, limit, note, nanos[count / 2] / 1e6, nanos[count * 99 / 100] / 1e6, nanos[count - 1] / 1e6,
                hits / (double) count, index.resolutionFor(radius));
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50); // a bench, not a test: lets the collector finish before the reading
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
