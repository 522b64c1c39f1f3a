package dev.peerlink.peer.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The ladder's UDP connectivity check, sent by both devices to each other's UDP candidates: {@code "PLHP"}, version
 * 1, kind, then an 8-byte session tag (the first 8 bytes of SHA-256 over the session id) — 14 bytes. Kinds:
 * {@code PROBE} (answer with {@code ACK}), {@code ACK}, and {@code NOMINATE} (initiator → responder: "this path; QUIC
 * follows"). The first byte ({@code 'P'}, 0x50) is neither STUN (0x00-0x03) nor a QUIC long header (high bit set), so
 * the socket can be demultiplexed, and a stray check that reaches QUIC later is dropped as an unknown short header.
 */
public record PunchPacket(Kind kind, byte[] tag) {
    public static final int LENGTH = 14;
    private static final byte[] MAGIC = "PLHP".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    public enum Kind { PROBE, ACK, NOMINATE }

    public static byte[] tagOf(String session) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.UTF_8)), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] encode(Kind kind, byte[] tag) {
        byte[] p = new byte[LENGTH];
        System.arraycopy(MAGIC, 0, p, 0, 4);
        p[4] = VERSION;
        p[5] = (byte) kind.ordinal();
        System.arraycopy(tag, 0, p, 6, 8);
        return p;
    }

    /** True when the bytes start like a check (magic), whatever else is wrong with them. */
    public static boolean looksLikeCheck(byte[] data, int len) {
        return len >= 4 && Arrays.equals(data, 0, 4, MAGIC, 0, 4);
    }

    /**
     * Decodes a check.
     *
     * @throws PunchPacketException when the bytes carry the magic but are not a valid check
     */
    public static PunchPacket decode(byte[] data, int len) throws PunchPacketException {
        if (!looksLikeCheck(data, len)) {
            throw new PunchPacketException("not a connectivity check (no PLHP magic)");
        }
        if (len != LENGTH) {
            throw new PunchPacketException("connectivity check of " + len + " bytes, expected " + LENGTH);
        }
        if (data[4] != VERSION) {
            throw new PunchPacketException("connectivity check version " + (data[4] & 0xff) + " unsupported");
        }
        int kind = data[5] & 0xff;
        if (kind >= Kind.values().length) {
            throw new PunchPacketException("unknown connectivity check kind " + kind);
        }
        return new PunchPacket(Kind.values()[kind], Arrays.copyOfRange(data, 6, 14));
    }

    public boolean hasTag(byte[] expected) {
        return MessageDigest.isEqual(tag, expected);
    }

    /** A malformed connectivity check. */
    public static final class PunchPacketException extends Exception {
        public PunchPacketException(String message) {
            super(message, null, false, false);
        }
    }
}
