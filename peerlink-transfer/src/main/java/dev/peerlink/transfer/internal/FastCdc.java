package dev.peerlink.transfer.internal;

import dev.peerlink.transfer.ChunkingParams;

/**
 * FastCDC (Xia et al., USENIX ATC 2016) with normalized chunking level 2: a gear rolling hash
 * {@code h = (h << 1) + GEAR[b]}, cut where the top bits of {@code h} are zero. Below {@code avg} the
 * mask has {@code log2(avg)+2} bits (cuts are rarer), above it {@code log2(avg)-2} (cuts are likelier),
 * which pulls chunk sizes towards {@code avg}. The first {@code min} bytes of a chunk are skipped.
 *
 * <p>The hash shifts left, so bit 63 depends on the last 64 bytes and the top bits are the ones
 * mixed best: the masks take the top bits. A boundary depends only on the bytes since the chunk
 * start, so after an edit the boundaries resynchronise within a chunk or two.
 *
 * <p>The gear table is 256 values of SplitMix64 seeded with {@link #GEAR_SEED}. It is part of the
 * manifest format ("chunker 1"): never change it without a new chunker id.
 */
public final class FastCdc {
    public static final long GEAR_SEED = 0x7065_6572_6c69_6e6bL; // "peerlink"
    private static final long[] GEAR = gear(GEAR_SEED);

    private final int min;
    private final int avg;
    private final int max;
    private final long maskS;
    private final long maskL;

    public FastCdc(ChunkingParams p) {
        this.min = p.min();
        this.avg = p.avg();
        this.max = p.max();
        this.maskS = topBits(p.avgBits() + 2);
        this.maskL = topBits(p.avgBits() - 2);
    }

    private static long topBits(int n) {
        return n >= 64 ? -1L : ((1L << n) - 1) << (64 - n);
    }

    /**
     * Length of the next chunk starting at {@code off}, given {@code len} bytes available there.
     * When {@code len < max} the caller must pass everything up to the end of the content (a cut at
     * {@code len} then means "the rest").
     */
    public int cut(byte[] buf, int off, int len) {
        if (len <= min) {
            return len;
        }
        int n = Math.min(len, max);
        int normal = Math.min(avg, n);
        long h = 0;
        int i = min;
        for (; i < normal; i++) {
            h = (h << 1) + GEAR[buf[off + i] & 0xff];
            if ((h & maskS) == 0) {
                return i + 1;
            }
        }
        for (; i < n; i++) {
            h = (h << 1) + GEAR[buf[off + i] & 0xff];
            if ((h & maskL) == 0) {
                return i + 1;
            }
        }
        return n;
    }

    static long[] gear(long seed) {
        long[] t = new long[256];
        long x = seed;
        for (int i = 0; i < t.length; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            t[i] = z ^ (z >>> 31);
        }
        return t;
    }
}
