package dev.peerlink.share.qos;

import dev.peerlink.share.qos.QosBucket.WeightedSum;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adding two aggregates of the same bucket, so that several writers (server instances over one shared store) each
 * contribute the samples they took since their last flush instead of overwriting each other.
 *
 * <p>Both decayed sums are rebased to the later reference time (a sum normalised to ref r, seen from r' ≥ r, is
 * the same sum times {@code 2^(-(r' − r)/halfLife)}; see {@link QosBucket}) and added; sample counts add; the device
 * sets are united by hash (the later last-seen wins) and, past {@value QosBucket#MAX_DEVICES}, cut to the most
 * recently seen, ties broken by hash. That cut is a top-k of a total order, so the merge is associative and
 * commutative: merging deltas in any grouping equals one accumulator fed every sample (up to float rounding, and
 * to which of equally recent devices survive the cut).
 */
public final class QosBuckets {
    private QosBuckets() {}

    /** The aggregate of both buckets' samples; they must be the same (cell, hour of week). */
    public static QosBucket merge(QosBucket a, QosBucket b, double halfLifeMs) {
        if (a.cell() != b.cell() || a.hourOfWeek() != b.hourOfWeek()) {
            throw new IllegalArgumentException("cannot merge different buckets: " + a + " and " + b);
        }
        if (!(halfLifeMs > 0)) {
            throw new IllegalArgumentException("halfLifeMs must be positive, got " + halfLifeMs);
        }
        if (a.samples() == 0) {
            return b;
        }
        if (b.samples() == 0) {
            return a;
        }
        long ref = Math.max(a.refMillis(), b.refMillis());
        double fa = Math.pow(2, -(ref - a.refMillis()) / halfLifeMs);
        double fb = Math.pow(2, -(ref - b.refMillis()) / halfLifeMs);
        return new QosBucket(a.cell(), a.hourOfWeek(), ref, a.samples() + b.samples(),
                a.weight() * fa + b.weight() * fb, add(a.rtt(), fa, b.rtt(), fb), add(a.down(), fa, b.down(), fb),
                add(a.up(), fa, b.up(), fb), add(a.loss(), fa, b.loss(), fb), a.offlineMs() * fa + b.offlineMs() * fb,
                a.periodMs() * fa + b.periodMs() * fb, unionDevices(a.devices(), b.devices()));
    }

    private static WeightedSum add(WeightedSum a, double fa, WeightedSum b, double fb) {
        return new WeightedSum(a.weight() * fa + b.weight() * fb, a.sum() * fa + b.sum() * fb);
    }

    private record Entry(long hash, long seen) {}

    private static final Comparator<Entry> NEWEST_FIRST =
            Comparator.comparingLong(Entry::seen).reversed().thenComparingLong(Entry::hash);

    /** Packed device entries of both, one per hash with its latest last-seen, the most recent {@value QosBucket#MAX_DEVICES}. */
    static byte[] unionDevices(byte[] a, byte[] b) {
        Map<Long, Long> seen = new HashMap<>();
        for (byte[] packed : new byte[][] {a, b}) {
            ByteBuffer buf = ByteBuffer.wrap(packed);
            while (buf.remaining() >= QosBucket.DEVICE_ENTRY_BYTES) {
                seen.merge(buf.getLong(), buf.getLong(), Math::max);
            }
        }
        List<Entry> entries = new ArrayList<>(seen.size());
        seen.forEach((h, t) -> entries.add(new Entry(h, t)));
        entries.sort(NEWEST_FIRST);
        int n = Math.min(entries.size(), QosBucket.MAX_DEVICES);
        ByteBuffer out = ByteBuffer.allocate(n * QosBucket.DEVICE_ENTRY_BYTES);
        for (Entry e : entries.subList(0, n)) {
            out.putLong(e.hash()).putLong(e.seen());
        }
        return out.array();
    }
}
