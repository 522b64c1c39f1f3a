package dev.peerlink.stun.server.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Token bucket per source IP in a fixed-size, 4-way set-associative table, so memory stays bounded
 * however many (spoofed) sources arrive. A new source evicts the entry of its set whose bucket is
 * fullest: a full bucket is indistinguishable from a fresh one, so evicting it forgets nothing, and
 * an attacker cycling addresses can at worst refill buckets of the few addresses sharing a set.
 * The index hash is seeded per instance so sets cannot be targeted from outside.
 * Thread-safe via lock striping; uncontended in practice (one IO thread per socket).
 */
public final class RateLimiter {
    private static final int WAYS = 4;
    private static final int STRIPES = 256;

    private final boolean unlimited;
    private final double tokensPerNano;
    private final double burst;
    private final int setMask;
    private final long seed;
    private final long[] keyHi;
    private final long[] keyLo;
    private final double[] tokens;
    private final long[] updated;
    private final boolean[] used;
    private final Object[] locks = new Object[STRIPES];

    public RateLimiter(double perSecond, int burst, int tableSize) {
        this.unlimited = Double.isInfinite(perSecond);
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        int entries = Integer.highestOneBit(Math.max(16, tableSize - 1)) << 1;
        int sets = entries / WAYS;
        this.setMask = sets - 1;
        this.seed = ThreadLocalRandom.current().nextLong();
        int n = unlimited ? 0 : entries;
        keyHi = new long[n];
        keyLo = new long[n];
        tokens = new double[n];
        updated = new long[n];
        used = new boolean[n];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Takes one token for {@code source}; false means drop the message. */
    public boolean tryAcquire(InetAddress source, long nowNanos) {
        if (unlimited) {
            return true;
        }
        long hi;
        long lo;
        byte[] ip = source.getAddress();
        if (source instanceof Inet4Address) {
            hi = 0;
            lo = 0xFFFF_0000_0000L | ((ip[0] & 0xFFL) << 24) | ((ip[1] & 0xFFL) << 16) | ((ip[2] & 0xFFL) << 8) | (ip[3] & 0xFFL);
        } else {
            hi = toLong(ip, 0);
            lo = toLong(ip, 8);
        }
        int set = (int) (mix(hi * 0x9E3779B97F4A7C15L ^ lo ^ seed) & setMask);
        synchronized (locks[set & (STRIPES - 1)]) {
            return take(set * WAYS, hi, lo, nowNanos);
        }
    }

    private boolean take(int base, long hi, long lo, long now) {
        int victim = -1;
        double victimTokens = -1;
        for (int i = base; i < base + WAYS; i++) {
            if (!used[i]) {
                if (victim < 0 || victimTokens < burst) {
                    victim = i;
                    victimTokens = burst;
                }
                continue;
            }
            double t = refill(i, now);
            if (keyHi[i] == hi && keyLo[i] == lo) {
                if (t < 1) {
                    return false;
                }
                tokens[i] = t - 1;
                return true;
            }
            if (t > victimTokens) {
                victim = i;
                victimTokens = t;
            }
        }
        used[victim] = true;
        keyHi[victim] = hi;
        keyLo[victim] = lo;
        tokens[victim] = burst - 1;
        updated[victim] = now;
        return true;
    }

    private double refill(int i, long now) {
        long elapsed = now - updated[i];
        double t = tokens[i];
        if (elapsed > 0) {
            t = Math.min(burst, t + elapsed * tokensPerNano);
            tokens[i] = t;
            updated[i] = now;
        }
        return t;
    }

    private static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
