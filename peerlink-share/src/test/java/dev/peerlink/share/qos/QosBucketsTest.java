package dev.peerlink.share.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.peerlink.share.geo.GeoPoint;
import dev.peerlink.share.qos.QosBucket.WeightedSum;
import dev.peerlink.share.qos.internal.BucketAccumulator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The merge several instances' deltas go through: associative, commutative, and equal to one accumulator. */
class QosBucketsTest {
    private static final long CELL = 0x8928308280fffffL;
    private static final double HALF_LIFE = 14 * 86_400_000.0;
    private static final long T0 = 1_740_988_800_000L;

    @Test
    void mergeIsAssociativeAndCommutative() {
        for (long seed = 1; seed <= 200; seed++) {
            Random r = new Random(seed);
            QosBucket a = bucket(r, 1 + r.nextInt(40), 0);
            QosBucket b = bucket(r, 1 + r.nextInt(40), 1000);
            QosBucket c = bucket(r, 1 + r.nextInt(40), 2000);
            String why = "seed " + seed;
            assertClose(QosBuckets.merge(a, QosBuckets.merge(b, c, HALF_LIFE), HALF_LIFE),
                    QosBuckets.merge(QosBuckets.merge(a, b, HALF_LIFE), c, HALF_LIFE), why);
            assertClose(QosBuckets.merge(a, b, HALF_LIFE), QosBuckets.merge(b, a, HALF_LIFE), why);
        }
    }

    @Test
    void mergedDeltasEqualOneAccumulatorFedEverySample() {
        for (long seed = 1; seed <= 200; seed++) {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(200);
            int parts = 1 + r.nextInt(5);
            BucketAccumulator all = new BucketAccumulator();
            List<BucketAccumulator> deltas = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                deltas.add(new BucketAccumulator());
            }
            for (int i = 0; i < n; i++) {
                long device = r.nextInt(40); // ≤ MAX_DEVICES distinct: no cut, so the device sets must match exactly
                QosSample s = sample(r, device);
                all.add(s, device, HALF_LIFE);
                deltas.get(r.nextInt(parts)).add(s, device, HALF_LIFE);
            }
            QosBucket merged = null;
            for (BucketAccumulator d : deltas) {
                QosBucket snap = d.snapshot(CELL, 5);
                merged = merged == null ? snap : QosBuckets.merge(merged, snap, HALF_LIFE);
            }
            assertClose(all.snapshot(CELL, 5), merged, "seed " + seed);
        }
    }

    @Test
    void deviceSetsAreUnitedUpToTheBoundKeepingTheMostRecent() {
        Random r = new Random(7);
        BucketAccumulator a = new BucketAccumulator();
        BucketAccumulator b = new BucketAccumulator();
        for (int d = 0; d < 50; d++) {
            a.add(at(r, T0 + d), d, HALF_LIFE);           // devices 0..49, seen T0+0..49
            b.add(at(r, T0 + 1000 + d), 100 + d, HALF_LIFE); // devices 100..149, seen later
        }
        a.add(at(r, T0 + 5000), 3, HALF_LIFE); // device 3 seen latest of all
        QosBucket m = QosBuckets.merge(a.snapshot(CELL, 5), b.snapshot(CELL, 5), HALF_LIFE);
        TreeMap<Long, Long> devices = devices(m);
        assertEquals(QosBucket.MAX_DEVICES, devices.size());
        assertEquals(T0 + 5000, devices.get(3L));
        for (long d = 100; d < 150; d++) {
            assertEquals(T0 + 1000 + d - 100, devices.get(d), "device " + d);
        }
        // the 13 remaining places go to the most recent of a's others: 37..49
        for (long d = 37; d < 50; d++) {
            assertEquals(T0 + d, devices.get(d), "device " + d);
        }
    }

    @Test
    void refusesToMergeDifferentBuckets() {
        Random r = new Random(1);
        QosBucket a = bucket(r, 3, 0);
        QosBucket other = new BucketAccumulatorBuilder(r, 3, 0).snapshot(CELL, 6);
        assertThrows(IllegalArgumentException.class, () -> QosBuckets.merge(a, other, HALF_LIFE));
    }

    /** A bucket of {@code n} random samples around {@code T0 + offsetHours}. */
    private static QosBucket bucket(Random r, int n, int offsetHours) {
        return new BucketAccumulatorBuilder(r, n, offsetHours).snapshot(CELL, 5);
    }

    private static final class BucketAccumulatorBuilder {
        private final BucketAccumulator acc = new BucketAccumulator();

        BucketAccumulatorBuilder(Random r, int n, int offsetHours) {
            for (int i = 0; i < n; i++) {
                long device = r.nextInt(100);
                acc.add(sample(r, device, offsetHours * 3_600_000L), device, HALF_LIFE);
            }
        }

        QosBucket snapshot(long cell, int hour) {
            return acc.snapshot(cell, hour);
        }
    }

    /** A sample within 60 days of T0, each metric missing now and then. */
    private static QosSample sample(Random r, long device) {
        return sample(r, device, 0);
    }

    private static QosSample sample(Random r, long device, long offsetMs) {
        long t = T0 + offsetMs + (long) (r.nextDouble() * 60 * 86_400_000L);
        return new QosSample("d" + device, GeoPoint.of(52.52, 13.405), t, maybe(r, 10 + r.nextDouble() * 200),
                maybe(r, r.nextDouble() * 100), maybe(r, r.nextDouble() * 30), maybe(r, r.nextDouble() * 5),
                r.nextInt(10_000), 60_000, "4g");
    }

    private static QosSample at(Random r, long t) {
        return new QosSample("x", GeoPoint.of(52.52, 13.405), t, 20 + r.nextInt(50), 10, 5, 0, 0, 60_000, "4g");
    }

    private static double maybe(Random r, double v) {
        return r.nextInt(5) == 0 ? Double.NaN : v;
    }

    static void assertClose(QosBucket expected, QosBucket actual, String why) {
        assertEquals(expected.cell(), actual.cell(), why);
        assertEquals(expected.hourOfWeek(), actual.hourOfWeek(), why);
        assertEquals(expected.refMillis(), actual.refMillis(), why);
        assertEquals(expected.samples(), actual.samples(), why);
        close(expected.weight(), actual.weight(), why + " weight");
        WeightedSum[] e = {expected.rtt(), expected.down(), expected.up(), expected.loss()};
        WeightedSum[] a = {actual.rtt(), actual.down(), actual.up(), actual.loss()};
        for (int i = 0; i < e.length; i++) {
            close(e[i].weight(), a[i].weight(), why + " metric " + i + " weight");
            close(e[i].sum(), a[i].sum(), why + " metric " + i + " sum");
        }
        close(expected.offlineMs(), actual.offlineMs(), why + " offline");
        close(expected.periodMs(), actual.periodMs(), why + " period");
        assertEquals(devices(expected), devices(actual), why + " devices");
    }

    private static void close(double expected, double actual, String why) {
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), why);
    }

    /** Device hash → last seen, order-free. */
    static TreeMap<Long, Long> devices(QosBucket b) {
        TreeMap<Long, Long> m = new TreeMap<>();
        ByteBuffer buf = ByteBuffer.wrap(b.devices());
        while (buf.hasRemaining()) {
            m.put(buf.getLong(), buf.getLong());
        }
        return m;
    }
}
