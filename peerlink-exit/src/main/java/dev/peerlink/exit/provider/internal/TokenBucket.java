package dev.peerlink.exit.provider.internal;

/**
 * A byte-rate limiter shared by all of one requester's flows in one direction. {@link #take} may run the balance
 * into debt and then sleeps the debt off, so concurrent takers add up to the rate and a large chunk needs no
 * splitting; the burst (100 ms worth, at least 16 KiB) keeps idle time from buying a long spike.
 */
public final class TokenBucket {
    private final double bytesPerNano;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burst = Math.max(16 * 1024, bytesPerSecond / 10.0);
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Bytes per second for a rate in kbit/s. */
    public static long bytesPerSecond(long kbps) {
        return Math.max(1, kbps * 1000 / 8);
    }

    /** Takes {@code n} bytes' worth, sleeping until the rate allows it. */
    public void take(int n) throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= n;
            waitNanos = tokens < 0 ? (long) (-tokens / bytesPerNano) : 0;
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    /** Takes {@code n} bytes' worth if available now (datagrams: dropped rather than delayed). */
    public synchronized boolean tryTake(int n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * bytesPerNano);
        last = now;
    }
}
