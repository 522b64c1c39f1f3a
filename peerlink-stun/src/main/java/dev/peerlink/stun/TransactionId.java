package dev.peerlink.stun;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** The 96-bit transaction ID of a STUN message. Immutable; random ones come from a CSPRNG (RFC 8489 §6). */
public final class TransactionId {
    public static final int LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private final int hash;

    private TransactionId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static TransactionId random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new TransactionId(b);
    }

    public static TransactionId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("transaction ID is 12 bytes, got " + bytes.length);
        }
        return new TransactionId(bytes.clone());
    }

    public static TransactionId of(byte[] src, int offset) {
        if (offset < 0 || offset > src.length - LENGTH) {
            throw new IllegalArgumentException("no 12-byte transaction ID at offset " + offset + " of " + src.length + " bytes");
        }
        return new TransactionId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Copies the ID into {@code dst} at {@code offset} without allocating. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    public byte byteAt(int i) {
        return bytes[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
