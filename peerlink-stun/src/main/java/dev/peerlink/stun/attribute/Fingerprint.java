package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;

/** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message XOR 0x5354554E. Computed by the encoder; checked on decode. */
public record Fingerprint(int crc) implements StunAttribute {
    public static final int XOR = 0x5354554E;

    @Override
    public int type() {
        return AttributeType.FINGERPRINT;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u32(crc);
    }
}
