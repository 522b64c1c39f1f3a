package dev.peerlink.turn.server.internal;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Requests per second per source IP, in a fixed direct-mapped table so memory is bounded however
 * many (spoofed) sources arrive. A colliding source takes over the slot with a full bucket: at worst
 * an attacker refills the bucket of an address that hashes to the same slot. The hash is seeded per
 * instance so slots cannot be aimed at from outside. Same idea as the STUN server's limiter, without
 * its associativity: TURN requests are rarer than STUN Binding floods.
 */
public final class SourceRateLimiter {
    private final double perNano;
    private final double burst;
    private final int mask;
    private final int seed = ThreadLocalRandom.current().nextInt();
    private final byte[][] keys;
    private final double[] tokens;
    private final long[] updated;

    public SourceRateLimiter(double perSecond, int burst, int tableSize) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        int n = Integer.highestOneBit(Math.max(16, tableSize - 1)) << 1;
        this.mask = n - 1;
        this.keys = new byte[n][];
        this.tokens = new double[n];
        this.updated = new long[n];
    }

    public boolean tryAcquire(InetAddress source, long nowNanos) {
        return acquireOrWait(source, nowNanos) == 0;
    }

    /** Takes a token (0), or says how many nanoseconds until one is there (nothing taken). */
    public synchronized long acquireOrWait(InetAddress source, long nowNanos) {
        byte[] ip = source.getAddress();
        int h = Arrays.hashCode(ip) ^ seed;
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        int i = h & mask;
        if (!Arrays.equals(keys[i], ip)) {
            keys[i] = ip;
            tokens[i] = burst;
            updated[i] = nowNanos;
        }
        double t = Math.min(burst, tokens[i] + (nowNanos - updated[i]) * perNano);
        updated[i] = nowNanos;
        if (t < 1) {
            tokens[i] = t;
            return Math.max(1, (long) Math.ceil((1 - t) / perNano));
        }
        tokens[i] = t - 1;
        return 0;
    }
}
