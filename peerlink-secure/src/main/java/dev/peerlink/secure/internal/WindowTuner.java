package dev.peerlink.secure.internal;

/**
 * Receive-window autotuning of one mux stream. A stream grants credit back each time the application has consumed a
 * quarter of its window; if those quarters go by in less than half a round trip, the sender is spending its time
 * waiting for credit (the window is below the path's bandwidth-delay product), so the window doubles, up to a cap.
 * On a LAN or loopback (round trip in microseconds) it never grows; on a 50 ms path a 1 MiB window (20 MB/s at most)
 * grows to 16 MiB (320 MB/s) within a few round trips. Wire-compatible: growth is just a larger WINDOW_UPDATE.
 */
final class WindowTuner {
    private final long max;
    private long window;
    private long lastGrantNanos;
    private boolean granted;

    WindowTuner(long initial, long max) {
        this.window = initial;
        this.max = Math.max(initial, max);
    }

    long window() {
        return window;
    }

    /**
     * A quarter-window grant is going out now. Returns how many bytes the window grew by (to add to the grant), 0 when
     * it stays. {@code rttNanos} is the session's smoothed round trip, 0 while unknown (no growth then).
     */
    long onGrant(long nowNanos, long rttNanos) {
        long grown = 0;
        if (granted && rttNanos > 0 && nowNanos - lastGrantNanos < rttNanos / 2 && window < max) {
            long next = Math.min(max, 2 * window);
            grown = next - window;
            window = next;
        }
        granted = true;
        lastGrantNanos = nowNanos;
        return grown;
    }
}
