package dev.peerlink.transfer;

/**
 * Content-defined chunking parameters: minimum, average (target) and maximum chunk size in bytes.
 * They are part of the manifest format: two manifests of the same content are only comparable when
 * their parameters are equal, so change {@link #DEFAULT} only together with a new manifest version.
 *
 * <p>Default 16 KiB / 64 KiB / 256 KiB: 64 KiB chunks (measured mean ~73 KiB) keep a 1 GiB file at ~14 k chunks
 * (a 0.5 MB manifest; per-chunk proof ranges stay cheap) while an edit re-sends only ~64-128 KiB; the 1:4:16
 * ratio is what FastCDC evaluated, with the minimum cutting hashing work by a quarter and the maximum
 * bounding memory and the damage of low-entropy runs (zeros never match the mask).
 */
public record ChunkingParams(int min, int avg, int max) {
    public static final ChunkingParams DEFAULT = new ChunkingParams(16 * 1024, 64 * 1024, 256 * 1024);
    /** Hard ceiling on any chunk, whatever the parameters: bounds every buffer a peer can make us allocate. */
    public static final int MAX_CHUNK_LIMIT = 16 * 1024 * 1024;

    public ChunkingParams {
        if (Integer.bitCount(avg) != 1 || avg < 256) {
            throw new IllegalArgumentException("avg must be a power of two >= 256: " + avg);
        }
        if (min < 64 || min >= avg || max <= avg || max > MAX_CHUNK_LIMIT) {
            throw new IllegalArgumentException("need 64 <= min < avg < max <= 16 MiB: " + min + "/" + avg + "/" + max);
        }
    }

    /** log2(avg): the number of mask bits at the target size. */
    public int avgBits() {
        return Integer.numberOfTrailingZeros(avg);
    }
}
