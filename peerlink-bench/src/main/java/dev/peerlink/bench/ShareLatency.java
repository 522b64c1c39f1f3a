package dev.peerlink.bench;

import java.util.Arrays;
import java.util.Locale;

/** Per-operation latencies of one benchmark series, in nanoseconds, summarised as percentiles in microseconds. */
final class ShareLatency {
    private long[] nanos;
    private int size;

    ShareLatency(int expected) {
        nanos = new long[Math.max(16, expected)];
    }

    void add(long ns) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = ns;
    }

    int count() {
        return size;
    }

    /** The summary; sorts a copy, so more samples may be added afterwards. */
    Summary summary() {
        long[] s = Arrays.copyOf(nanos, size);
        Arrays.sort(s);
        long total = 0;
        for (long v : s) {
            total += v;
        }
        return new Summary(size, at(s, 0.50), at(s, 0.90), at(s, 0.99), size == 0 ? 0 : s[size - 1] / 1e3,
                size == 0 ? 0 : total / 1e3 / size);
    }

    /** Nearest-rank percentile in microseconds. */
    private static double at(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1e3;
    }

    /** Percentiles and mean in microseconds. */
    record Summary(int n, double p50, double p90, double p99, double max, double mean) {
        String line() {
            return String.format(Locale.ROOT, "p50 %8.1f  p90 %8.1f  p99 %8.1f  max %9.1f  mean %8.1f µs  (n=%d)",
                    p50, p90, p99, max, mean, n);
        }
    }
}
