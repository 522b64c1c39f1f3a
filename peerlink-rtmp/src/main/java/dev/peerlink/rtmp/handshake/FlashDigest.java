package dev.peerlink.rtmp.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Flash Player 9 handshake digest (not in the published RTMP spec; as ffmpeg and librtmp implement it): C1 and S1
 * carry an HMAC-SHA256 of the packet without its 32 digest bytes, at an offset the packet itself encodes, keyed with
 * the short "Genuine Adobe Flash Player 001" (client) or "... Flash Media Server 001" (server) string. C2 and S2 end
 * in a signature of their first 1504 bytes, keyed with an HMAC of the peer's digest under the long key (short string
 * plus 32 constant bytes).
 */
final class FlashDigest {
    static final int PACKET = 1536;
    static final int LENGTH = 32;
    /** Where the signature of C2/S2 starts. */
    static final int SIGNATURE_OFFSET = PACKET - LENGTH;

    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, 0x4A, (byte) 0x80, 0x68, (byte) 0xBE, (byte) 0xE8,
        0x2E, 0x00, (byte) 0xD0, (byte) 0xD1, 0x02, (byte) 0x9E, 0x7E, 0x57,
        0x6E, (byte) 0xEC, 0x5D, 0x2D, 0x29, (byte) 0x80, 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, 0x36, (byte) 0xCF, (byte) 0xEB, 0x31, (byte) 0xAE};

    static final byte[] PLAYER_KEY_SHORT = ascii("Genuine Adobe Flash Player 001");
    static final byte[] SERVER_KEY_SHORT = ascii("Genuine Adobe Flash Media Server 001");
    static final byte[] PLAYER_KEY = concat(PLAYER_KEY_SHORT, KEY_TAIL);
    static final byte[] SERVER_KEY = concat(SERVER_KEY_SHORT, KEY_TAIL);

    /** Scheme 0 puts the offset bytes at 8 (ffmpeg and librtmp clients use it unencrypted), scheme 1 at 772. */
    static final int[] SCHEMES = {0, 1};

    private FlashDigest() {}

    /** Where the digest sits in {@code packet} under {@code scheme}: 4 bytes summed, modulo 728, past them. */
    static int offset(byte[] packet, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF) + (packet[base + 3] & 0xFF);
        return sum % 728 + base + 4;
    }

    /** The digest of {@code packet} without the 32 bytes at {@code offset}. */
    static byte[] digest(byte[] packet, int offset, byte[] key) {
        Mac mac = mac(key);
        mac.update(packet, 0, offset);
        mac.update(packet, offset + LENGTH, PACKET - offset - LENGTH);
        return mac.doFinal();
    }

    /** Writes the digest into {@code packet} under {@code scheme}; returns its offset. */
    static int imprint(byte[] packet, int scheme, byte[] key) {
        int offset = offset(packet, scheme);
        System.arraycopy(digest(packet, offset, key), 0, packet, offset, LENGTH);
        return offset;
    }

    /** The scheme under which {@code packet} carries a valid digest (tried in {@link #SCHEMES} order), or -1. */
    static int find(byte[] packet, byte[] key) {
        for (int scheme : SCHEMES) {
            int offset = offset(packet, scheme);
            byte[] expected = digest(packet, offset, key);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, offset, offset + LENGTH))) {
                return scheme;
            }
        }
        return -1;
    }

    /** The 32 digest bytes of {@code packet} under {@code scheme}. */
    static byte[] extract(byte[] packet, int scheme) {
        int offset = offset(packet, scheme);
        return Arrays.copyOfRange(packet, offset, offset + LENGTH);
    }

    /** The C2/S2 signature of {@code packet}'s first 1504 bytes, answering the peer digest. */
    static byte[] signature(byte[] packet, byte[] peerDigest, byte[] longKey) {
        Mac keyed = mac(mac(longKey).doFinal(peerDigest));
        keyed.update(packet, 0, SIGNATURE_OFFSET);
        return keyed.doFinal();
    }

    static void sign(byte[] packet, byte[] peerDigest, byte[] longKey) {
        System.arraycopy(signature(packet, peerDigest, longKey), 0, packet, SIGNATURE_OFFSET, LENGTH);
    }

    static boolean signed(byte[] packet, byte[] peerDigest, byte[] longKey) {
        byte[] actual = Arrays.copyOfRange(packet, SIGNATURE_OFFSET, PACKET);
        return MessageDigest.isEqual(signature(packet, peerDigest, longKey), actual);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is a required JDK algorithm", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
