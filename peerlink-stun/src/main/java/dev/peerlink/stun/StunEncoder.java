package dev.peerlink.stun;

import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.attribute.MessageIntegrity;
import dev.peerlink.stun.attribute.MessageIntegritySha256;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.stun.internal.Crypto;
import java.util.Arrays;

/**
 * Encodes {@link StunMessage}s to bytes. Pure and thread-safe. The same bytes serve UDP and TCP:
 * STUN over TCP needs no extra framing (the header carries the length).
 */
public final class StunEncoder {
    private static final StunEncoder DEFAULT = new StunEncoder((byte) 0);

    private final byte paddingByte;

    private StunEncoder(byte paddingByte) {
        this.paddingByte = paddingByte;
    }

    /** Pads attributes with zero bytes. */
    public static StunEncoder standard() {
        return DEFAULT;
    }

    /**
     * Pads attributes with the given byte. Receivers ignore padding (RFC 8489 §14); RFC 5769's
     * vectors pad with 0x20, so reproducing them byte for byte needs this.
     */
    public static StunEncoder withPadding(int paddingByte) {
        return new StunEncoder((byte) paddingByte);
    }

    public byte[] encode(StunMessage message) {
        return encode(message, MessageProtection.NONE);
    }

    public byte[] encode(StunMessage message, MessageProtection protection) {
        ByteSink out = new ByteSink(128);
        out.u16(message.method().messageType(message.messageClass()));
        out.u16(0); // length, patched as attributes are appended
        out.u32(message.cookie());
        // XOR attributes are always keyed by the real cookie (they have no meaning in RFC 3489).
        byte[] header = new byte[StunMessage.HEADER_LENGTH];
        Bytes.putU32(header, 4, StunMessage.MAGIC_COOKIE);
        message.transactionId().copyTo(header, 8);
        out.bytes(header, 8, TransactionId.LENGTH);

        for (StunAttribute a : message.attributes()) {
            // A decoded message carries the integrity and fingerprint it arrived with: those are
            // recomputed from the protection (or dropped), never copied stale.
            if (!isComputed(a)) {
                writeAttribute(out, a, header);
            }
        }
        if (protection.integrityKey() != null) {
            appendMac(out, AttributeType.MESSAGE_INTEGRITY, 20, protection.integrityKey(), false);
        }
        if (protection.integritySha256Key() != null) {
            appendMac(out, AttributeType.MESSAGE_INTEGRITY_SHA256, protection.sha256Length(),
                    protection.integritySha256Key(), true);
        }
        if (protection.fingerprint()) {
            // Length must already count the FINGERPRINT attribute when the CRC is taken.
            out.setU16(2, out.size() + 8 - StunMessage.HEADER_LENGTH);
            int crc = Crypto.crc32(out.array(), 0, out.size()) ^ Fingerprint.XOR;
            out.u16(AttributeType.FINGERPRINT);
            out.u16(4);
            out.u32(crc);
        }
        if (out.size() - StunMessage.HEADER_LENGTH > 0xFFFC) {
            throw new IllegalArgumentException("STUN message exceeds 65532 bytes of attributes once protected");
        }
        out.setU16(2, out.size() - StunMessage.HEADER_LENGTH);
        return out.toByteArray();
    }

    private static boolean isComputed(StunAttribute a) {
        return a instanceof MessageIntegrity || a instanceof MessageIntegritySha256 || a instanceof Fingerprint;
    }

    private void writeAttribute(ByteSink out, StunAttribute a, byte[] header) {
        int start = out.size();
        out.u16(a.type());
        out.u16(0);
        a.writeValue(out, header);
        int valueLength = out.size() - start - 4;
        if (valueLength > 0xFFFF) {
            throw new IllegalArgumentException(AttributeType.name(a.type()) + " value exceeds 65535 bytes");
        }
        out.setU16(start + 2, valueLength);
        out.fill(paddingByte, (4 - (valueLength & 3)) & 3);
        if (out.size() - StunMessage.HEADER_LENGTH > 0xFFFC) {
            throw new IllegalArgumentException("STUN message exceeds 65532 bytes of attributes");
        }
    }

    private static void appendMac(ByteSink out, int type, int length, byte[] key, boolean sha256) {
        // The HMAC covers the message up to this attribute, with the length field counting it.
        out.setU16(2, out.size() + 4 + length - StunMessage.HEADER_LENGTH);
        byte[] mac = sha256
                ? Crypto.hmacSha256(key, out.array(), 0, out.size())
                : Crypto.hmacSha1(key, out.array(), 0, out.size());
        out.u16(type);
        out.u16(length);
        out.bytes(Arrays.copyOf(mac, length));
    }
}
