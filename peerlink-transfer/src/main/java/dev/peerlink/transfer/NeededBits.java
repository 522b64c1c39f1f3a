package dev.peerlink.transfer;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The blob encoding of an upload's {@code needed} bit set, shared by the metadata stores: a leading 1 byte, so an
 * empty set is not confused with "not yet decided" (NULL).
 */
final class NeededBits {
    private NeededBits() {
    }

    static byte[] encode(BitSet b) {
        if (b == null) {
            return null;
        }
        byte[] raw = b.toByteArray();
        byte[] out = new byte[raw.length + 1];
        out[0] = 1;
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }

    static BitSet decode(byte[] blob) {
        return blob == null || blob.length == 0 ? null : BitSet.valueOf(Arrays.copyOfRange(blob, 1, blob.length));
    }
}
