package dev.peerlink.protocol;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The mapping monitor's probe, as sent by the server to a device's reported external endpoint (one UDP datagram,
 * or the first bytes on a probe TCP connection): {@code "PLPR"}, version {@code 0x01}, kind {@code 0x00}, then a 16-byte
 * random nonce — 22 bytes. The device answers with {@link Message.ProbeAck} carrying the nonce over its authenticated
 * signalling connection. The first byte ({@code 'P'}, 0x50) cannot start a STUN message (0x00-0x03) nor TURN ChannelData
 * (0x40-0x4f), so an application can demultiplex probes on a shared socket.
 */
public final class ProbePacket {
    public static final int LENGTH = 22;
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "PLPR".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProbePacket() {}

    public static byte[] newNonce() {
        byte[] n = new byte[Message.ProbeAck.NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    public static byte[] encode(byte[] nonce) {
        if (nonce.length != Message.ProbeAck.NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be 16 bytes");
        }
        byte[] p = new byte[LENGTH];
        System.arraycopy(MAGIC, 0, p, 0, 4);
        p[4] = VERSION;
        p[5] = 0;
        System.arraycopy(nonce, 0, p, 6, 16);
        return p;
    }

    /** Whether {@code data[off..off+len)} is a probe (so an application can hand it to its mapping keeper). */
    public static boolean isProbe(byte[] data, int off, int len) {
        return len == LENGTH && Arrays.equals(data, off, off + 4, MAGIC, 0, 4) && data[off + 4] == VERSION && data[off + 5] == 0;
    }

    /** The nonce of a probe as base64url (the {@code probe-ack} form), or null when it is not a probe. */
    public static String nonceOf(byte[] data, int off, int len) {
        return isProbe(data, off, len) ? Ed25519.b64(Arrays.copyOfRange(data, off + 6, off + LENGTH)) : null;
    }
}
