package dev.peerlink.rtmp.chunk;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded input generation for the fuzzer: random bytes, or a corpus entry mutated, truncated or spliced. */
final class Mutator {
    private static final int[] INTERESTING = {0x00, 0x01, 0x02, 0x03, 0x3F, 0x40, 0x7F, 0x80, 0xC0, 0xFE, 0xFF};

    private Mutator() {}

    static byte[] next(SplittableRandom rnd, List<byte[]> corpus) {
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            return b;
        }
        byte[] b = corpus.get(rnd.nextInt(corpus.size())).clone();
        if (kind == 1) {
            return Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncation
        }
        if (kind == 2) {
            byte[] other = corpus.get(rnd.nextInt(corpus.size()));
            int cut = rnd.nextInt(b.length + 1);
            int from = rnd.nextInt(other.length + 1);
            byte[] s = Arrays.copyOf(b, cut + other.length - from);
            System.arraycopy(other, from, s, cut, other.length - from);
            return s;
        }
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(4)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
                case 2 -> b[at] = (byte) rnd.nextInt(256);
                default -> {
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(4));
                    byte[] d = new byte[b.length - len];
                    System.arraycopy(b, 0, d, 0, at);
                    System.arraycopy(b, at + len, d, at, b.length - at - len);
                    b = d.length == 0 ? b : d;
                }
            }
        }
        return b;
    }
}
