package dev.peerlink.stun;

import dev.peerlink.stun.StunDecodeException.Reason;
import dev.peerlink.stun.attribute.Fingerprint;
import dev.peerlink.stun.internal.Bytes;
import dev.peerlink.stun.internal.Crypto;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes one complete STUN message (a UDP datagram, or a frame cut by {@link StunFraming}).
 * Pure and thread-safe. Every malformation is a {@link StunDecodeException} with a typed reason;
 * no other exception escapes. Allocation is bounded by the input size.
 */
public final class StunDecoder {
    /** Attributes beyond this count are hostile, not legitimate (a real message carries about a dozen). */
    public static final int MAX_ATTRIBUTES = 64;

    /** The largest possible STUN message: header plus the largest 4-aligned 16-bit length. */
    public static final int MAX_MESSAGE_LENGTH = StunMessage.HEADER_LENGTH + 0xFFFC;

    /** The highest attribute type RFC 3489 defines (REFLECTED-FROM); above it, up to 0x7FFF, is post-3489. */
    static final int LAST_CLASSIC_ATTRIBUTE = 0x000B;

    private static final StunDecoder STANDARD = new StunDecoder(AttributeRegistry.standard());

    private final AttributeRegistry registry;
    private final boolean classic;

    /** A strict decoder: a message without the magic cookie is {@link Reason#BAD_MAGIC_COOKIE}. */
    public StunDecoder(AttributeRegistry registry) {
        this(registry, false);
    }

    private StunDecoder(AttributeRegistry registry, boolean classic) {
        this.registry = registry;
        this.classic = classic;
    }

    /**
     * A decoder that also accepts RFC 3489 messages (RFC 8489 §12): no magic cookie, where the 4
     * bytes become {@link StunMessage#cookie()}. Only what 3489 could send is accepted that way: a
     * Binding request, success or error response whose comprehension-required attributes are 3489's
     * own (types up to 0x000B); anything else without the cookie is {@link Reason#NOT_CLASSIC}.
     * Messages with the cookie are decoded exactly as by the strict decoder.
     */
    public static StunDecoder classicTolerant(AttributeRegistry registry) {
        return new StunDecoder(registry, true);
    }

    public boolean acceptsClassic() {
        return classic;
    }

    public static StunDecoder standard() {
        return STANDARD;
    }

    public AttributeRegistry registry() {
        return registry;
    }

    /**
     * A cheap test for demultiplexing: top two bits zero, magic cookie present, length a multiple of 4.
     * True does not mean the message is valid.
     */
    public static boolean looksLikeStun(byte[] data, int off, int len) {
        return len >= StunMessage.HEADER_LENGTH
                && (data[off] & 0xC0) == 0
                && Bytes.u32(data, off + 4) == StunMessage.MAGIC_COOKIE
                && (Bytes.u16(data, off + 2) & 3) == 0;
    }

    /**
     * The cheap test for an RFC 3489 Binding request: type 0x0001, no magic cookie, a length that is
     * a multiple of 4 and matches {@code len} exactly (3489 has no framing slack either).
     */
    public static boolean looksLikeClassicBinding(byte[] data, int off, int len) {
        return len >= StunMessage.HEADER_LENGTH
                && Bytes.u16(data, off) == 0x0001
                && Bytes.u32(data, off + 4) != StunMessage.MAGIC_COOKIE
                && (Bytes.u16(data, off + 2) & 3) == 0
                && Bytes.u16(data, off + 2) + StunMessage.HEADER_LENGTH == len;
    }

    public StunMessage decode(byte[] data) throws StunDecodeException {
        return decode(data, 0, data.length);
    }

    public StunMessage decode(ByteBuffer buffer) throws StunDecodeException {
        if (buffer.hasArray()) {
            return decode(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
        if (buffer.remaining() > MAX_MESSAGE_LENGTH) {
            throw tooLarge(buffer.remaining());
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return decode(copy, 0, copy.length);
    }

    private static StunDecodeException tooLarge(int len) {
        return new StunDecodeException(Reason.TOO_LARGE, len + " bytes, no STUN message exceeds " + MAX_MESSAGE_LENGTH);
    }

    public StunMessage decode(byte[] data, int off, int len) throws StunDecodeException {
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new StunDecodeException(Reason.TRUNCATED, "range outside the buffer");
        }
        if (len < StunMessage.HEADER_LENGTH) {
            throw new StunDecodeException(Reason.TRUNCATED, len + " bytes, header needs 20");
        }
        if (len > MAX_MESSAGE_LENGTH) {
            throw tooLarge(len);
        }
        if ((data[off] & 0xC0) != 0) {
            throw new StunDecodeException(Reason.NOT_STUN, "top bits of the message type are set");
        }
        int cookie = Bytes.u32(data, off + 4);
        boolean classicMessage = cookie != StunMessage.MAGIC_COOKIE;
        if (classicMessage && !classic) {
            throw new StunDecodeException(Reason.BAD_MAGIC_COOKIE, "no magic cookie");
        }
        int bodyLength = Bytes.u16(data, off + 2);
        int total = StunMessage.HEADER_LENGTH + bodyLength;
        if ((bodyLength & 3) != 0) {
            if (total == len && lastAttributeUnpadded(data, off, total)) {
                throw new StunDecodeException(Reason.BAD_PADDING, "last attribute is not followed by its padding");
            }
            throw new StunDecodeException(Reason.BAD_LENGTH, "length " + bodyLength + " is not a multiple of 4");
        }
        if (total > len) {
            throw new StunDecodeException(Reason.TRUNCATED, "length says " + total + " bytes, have " + len);
        }
        if (total < len) {
            throw new StunDecodeException(Reason.BAD_LENGTH, "length says " + total + " bytes, datagram has " + len);
        }
        byte[] raw = Arrays.copyOfRange(data, off, off + total);
        int type = Bytes.u16(raw, 0);
        StunMethod method = StunMethod.fromMessageType(type);
        StunClass cls = StunMethod.classFromMessageType(type);
        if (classicMessage && (!method.equals(StunMethod.BINDING) || cls == StunClass.INDICATION)) {
            throw new StunDecodeException(Reason.NOT_CLASSIC, "RFC 3489 has no " + method + " " + cls);
        }
        TransactionId tid = TransactionId.of(raw, 8);

        List<StunAttribute> attributes = new ArrayList<>(8);
        int integrity = -1;
        int integritySha256 = -1;
        int fingerprint = -1;
        int pos = StunMessage.HEADER_LENGTH;
        // total and every pos are multiples of 4 here, so an attribute header always fits and a
        // value that fits also has room for its padding: ATTRIBUTE_OVERRUN is the only overrun.
        while (pos < total) {
            int attrType = Bytes.u16(raw, pos);
            int attrLen = Bytes.u16(raw, pos + 2);
            int valueStart = pos + 4;
            if (attrLen > total - valueStart) {
                throw new StunDecodeException(Reason.ATTRIBUTE_OVERRUN,
                        AttributeType.name(attrType) + " of " + attrLen + " bytes overruns the message");
            }
            int padded = (attrLen + 3) & ~3;
            if (classicMessage && attrType > LAST_CLASSIC_ATTRIBUTE && StunAttribute.isComprehensionRequired(attrType)) {
                throw new StunDecodeException(Reason.NOT_CLASSIC,
                        AttributeType.name(attrType) + " in a message without the magic cookie");
            }
            if (fingerprint >= 0) {
                throw new StunDecodeException(Reason.ATTRIBUTE_AFTER_FINGERPRINT, AttributeType.name(attrType));
            }
            if (attributes.size() == MAX_ATTRIBUTES) {
                throw new StunDecodeException(Reason.TOO_MANY_ATTRIBUTES, "more than " + MAX_ATTRIBUTES);
            }
            switch (attrType) {
                case AttributeType.MESSAGE_INTEGRITY -> {
                    if (integrity >= 0 || integritySha256 >= 0) {
                        throw new StunDecodeException(Reason.ATTRIBUTE_AFTER_INTEGRITY, "MESSAGE-INTEGRITY repeated or after -SHA256");
                    }
                    integrity = pos;
                }
                case AttributeType.MESSAGE_INTEGRITY_SHA256 -> {
                    if (integritySha256 >= 0) {
                        throw new StunDecodeException(Reason.ATTRIBUTE_AFTER_INTEGRITY, "MESSAGE-INTEGRITY-SHA256 repeated");
                    }
                    integritySha256 = pos;
                }
                case AttributeType.FINGERPRINT -> fingerprint = pos;
                default -> {
                    if (integrity >= 0 || integritySha256 >= 0) {
                        throw new StunDecodeException(Reason.ATTRIBUTE_AFTER_INTEGRITY, AttributeType.name(attrType));
                    }
                }
            }
            attributes.add(registry.decode(attrType, raw, valueStart, attrLen));
            pos = valueStart + padded;
        }
        if (fingerprint >= 0) {
            // Checked last, so that a FINGERPRINT followed by more attributes is reported as such.
            checkFingerprint(raw, fingerprint);
        }
        return new StunMessage(method, cls, tid, attributes, raw, integrity, integritySha256, cookie);
    }

    /**
     * For a message whose length is not a multiple of 4: true when its attributes, read with
     * padding, end with one whose value reaches exactly the end of the message, unpadded.
     * Reads only; at most one step per 4 bytes.
     */
    private static boolean lastAttributeUnpadded(byte[] data, int off, int total) {
        int pos = StunMessage.HEADER_LENGTH;
        while (total - pos >= 4) {
            int attrLen = Bytes.u16(data, off + pos + 2);
            int valueEnd = pos + 4 + attrLen;
            if (valueEnd >= total) {
                return valueEnd == total && (attrLen & 3) != 0;
            }
            pos += 4 + ((attrLen + 3) & ~3);
        }
        return false;
    }

    private static void checkFingerprint(byte[] raw, int attrPos) throws StunDecodeException {
        // The length field already covers FINGERPRINT, as the sender computed it.
        int expected = Crypto.crc32(raw, 0, attrPos) ^ Fingerprint.XOR;
        if (Bytes.u32(raw, attrPos + 4) != expected) {
            throw new StunDecodeException(Reason.BAD_FINGERPRINT, "CRC mismatch");
        }
    }
}
