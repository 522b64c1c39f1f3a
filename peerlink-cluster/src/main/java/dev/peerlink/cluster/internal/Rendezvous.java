package dev.peerlink.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rendezvous (highest-random-weight) hashing: a key belongs to the member with the highest hash of (member, key).
 * When a member leaves only its keys move (each to the member that ranked second for it); when one joins it takes an
 * even share from every other. Deterministic across processes: every instance with the same view picks the same owner.
 */
public final class Rendezvous {
    private Rendezvous() {}

    /** The owner of {@code key} among {@code members} (null when there are none). */
    public static String owner(String key, List<String> members) {
        long k = hash(key);
        String best = null;
        long bestScore = 0;
        for (String m : members) {
            long score = mix(hash(m) ^ k);
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a over the UTF-8 bytes, finished with a mixer (FNV alone spreads short similar strings poorly). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
