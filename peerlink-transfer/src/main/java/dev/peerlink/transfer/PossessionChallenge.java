package dev.peerlink.transfer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A proof-of-possession challenge: a random nonce and byte ranges of the content (each inside one chunk).
 * The prover answers {@code sha256(nonce || content[offset, offset+length))} for every range, in order.
 * Encoding: nonce (32 bytes), count u32, then per range chunk index u32, offset u64, length u32.
 */
public record PossessionChallenge(byte[] nonce, List<Range> ranges) {
    public static final int NONCE_LENGTH = 32;

    /** A range of the content, {@code chunk} being the manifest index of the chunk holding it. */
    public record Range(int chunk, long offset, int length) {}

    public PossessionChallenge {
        Objects.requireNonNull(nonce);
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must have 32 bytes");
        }
        nonce = nonce.clone();
        ranges = List.copyOf(ranges);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(NONCE_LENGTH + 4 + 16 * ranges.size());
        b.put(nonce).putInt(ranges.size());
        for (Range r : ranges) {
            b.putInt(r.chunk()).putLong(r.offset()).putInt(r.length());
        }
        return b.array();
    }

    public static PossessionChallenge decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        byte[] nonce = new byte[NONCE_LENGTH];
        b.get(nonce);
        int n = b.getInt();
        if (n < 0 || b.remaining() != 16L * n) {
            throw new IllegalArgumentException("bad challenge encoding");
        }
        List<Range> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranges.add(new Range(b.getInt(), b.getLong(), b.getInt()));
        }
        return new PossessionChallenge(nonce, ranges);
    }
}
