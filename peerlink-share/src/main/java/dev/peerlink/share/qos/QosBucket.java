package dev.peerlink.share.qos;

import java.util.Arrays;
import java.util.Objects;

/**
 * The persisted aggregate of one (H3 cell, hour of week) bucket — or of the cell over all hours
 * ({@code hourOfWeek == -1}). This is what a {@link QosStore} loads and writes.
 *
 * <p><b>Lazy decay.</b> A sample at time t has weight {@code 2^(-(now − t)/halfLife)}. Rather than touching
 * every bucket as time passes, all sums are kept normalised to the bucket's reference time {@code refMillis}
 * (its newest sample): a sample at t ≤ ref is added with weight {@code 2^(-(ref − t)/halfLife)} ≤ 1, and a
 * sample newer than ref first rescales every sum by {@code 2^(-(t − ref)/halfLife)} and moves ref to t. The
 * weights at any later "now" are the stored ones times {@code 2^(-(now − ref)/halfLife)}; means (ratios of
 * sums) need no rescaling at all. Keeping ref at the newest sample keeps every weight ≤ 1, so nothing
 * overflows.
 *
 * @param cell H3 index
 * @param samples samples ever added (not decayed)
 * @param weight decayed sample weight at refMillis
 * @param rtt decayed weight and weighted sum of the samples that measured RTT (likewise down, up, loss)
 * @param offlineMs decayed weighted sum of offline milliseconds
 * @param periodMs decayed weighted sum of sample periods; offline fraction = offlineMs / periodMs
 * @param devices up to {@value #MAX_DEVICES} entries of 16 bytes, big-endian: the 8-byte salted device hash,
 *        then the 8-byte epoch millis the device last reported into this bucket
 */
public record QosBucket(long cell, int hourOfWeek, long refMillis, long samples, double weight, WeightedSum rtt,
                        WeightedSum down, WeightedSum up, WeightedSum loss, double offlineMs, double periodMs,
                        byte[] devices) {
    /** Distinct devices remembered per bucket: enough to decide k-anonymity, bounded for storage. */
    public static final int MAX_DEVICES = 64;
    public static final int DEVICE_ENTRY_BYTES = 16;

    /** A decayed weight and the decayed weighted sum of one metric; mean = sum / weight. */
    public record WeightedSum(double weight, double sum) {
        public static final WeightedSum ZERO = new WeightedSum(0, 0);

        public WeightedSum {
            if (!(weight >= 0) || !(sum >= 0) || Double.isInfinite(weight) || Double.isInfinite(sum)) {
                throw new IllegalArgumentException("weighted sum needs finite non-negative parts, got " + weight + ", " + sum);
            }
        }

        /** The weighted mean, NaN when nothing was measured. */
        public double mean() {
            return weight > 0 ? sum / weight : Double.NaN;
        }
    }

    public QosBucket {
        if (cell == 0) {
            throw new IllegalArgumentException("bucket needs an H3 cell");
        }
        if (hourOfWeek < QosPrediction.ALL_HOURS || hourOfWeek > 167) {
            throw new IllegalArgumentException("hourOfWeek must be -1 (all hours) or in [0, 167], got " + hourOfWeek);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must not be negative, got " + samples);
        }
        for (double v : new double[] {weight, offlineMs, periodMs}) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("bucket sums must be finite and non-negative, got " + v);
            }
        }
        Objects.requireNonNull(rtt, "rtt");
        Objects.requireNonNull(down, "down");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(loss, "loss");
        if (devices == null || devices.length % DEVICE_ENTRY_BYTES != 0 || devices.length > MAX_DEVICES * DEVICE_ENTRY_BYTES) {
            throw new IllegalArgumentException("devices must be up to " + MAX_DEVICES + " entries of " + DEVICE_ENTRY_BYTES
                    + " bytes, got " + (devices == null ? "null" : devices.length + " bytes"));
        }
        devices = devices.clone();
    }

    /** A copy of the packed device entries. */
    @Override
    public byte[] devices() {
        return devices.clone();
    }

    public int deviceCount() {
        return devices.length / DEVICE_ENTRY_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QosBucket b && cell == b.cell && hourOfWeek == b.hourOfWeek && refMillis == b.refMillis
                && samples == b.samples && Double.compare(weight, b.weight) == 0 && rtt.equals(b.rtt) && down.equals(b.down)
                && up.equals(b.up) && loss.equals(b.loss) && Double.compare(offlineMs, b.offlineMs) == 0
                && Double.compare(periodMs, b.periodMs) == 0 && Arrays.equals(devices, b.devices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cell, hourOfWeek, refMillis, samples, weight, rtt, down, up, loss, offlineMs, periodMs)
                * 31 + Arrays.hashCode(devices);
    }

    @Override
    public String toString() {
        return "QosBucket[cell=" + Long.toHexString(cell) + ", hourOfWeek=" + hourOfWeek + ", refMillis=" + refMillis
                + ", samples=" + samples + ", weight=" + weight + ", devices=" + deviceCount() + "]";
    }
}
