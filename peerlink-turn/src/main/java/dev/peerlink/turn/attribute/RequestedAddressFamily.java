package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/**
 * REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6) and, with {@code additional}, ADDITIONAL-ADDRESS-FAMILY
 * (§18.11): family byte (1 IPv4, 2 IPv6) and 3 reserved bytes.
 */
public record RequestedAddressFamily(int family, boolean additional) implements StunAttribute {
    public static final int IPV4 = 0x01;
    public static final int IPV6 = 0x02;

    public RequestedAddressFamily {
        if (family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("family is 8 bits: " + family);
        }
    }

    @Override
    public int type() {
        return additional ? TurnAttributeType.ADDITIONAL_ADDRESS_FAMILY : TurnAttributeType.REQUESTED_ADDRESS_FAMILY;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u8(family);
        out.fill(0, 3);
    }
}
