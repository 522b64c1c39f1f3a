package dev.peerlink.bench.cast;

import java.util.Arrays;
import java.util.Locale;

/** Median, 95th percentile and max of a sample of milliseconds. */
record Stats(int n, long median, long p95, long max, long min) {
    static Stats of(long[] values) {
        if (values.length == 0) {
            return new Stats(0, -1, -1, -1, -1);
        }
        long[] v = values.clone();
        Arrays.sort(v);
        return new Stats(v.length, v[(v.length - 1) / 2], v[(int) Math.ceil(v.length * 0.95) - 1], v[v.length - 1], v[0]);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "median %4d ms, p95 %4d ms, max %4d ms (min %d, n=%d)", median, p95, max, min, n);
    }
}
