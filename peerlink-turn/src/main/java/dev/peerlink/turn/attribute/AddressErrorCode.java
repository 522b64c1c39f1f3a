package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * ADDRESS-ERROR-CODE (RFC 8656 §18.12): in the success response to a dual-family Allocate, the family
 * that could not be allocated ({@link RequestedAddressFamily#IPV4}/{@code IPV6}) and why (440 or 508).
 */
public record AddressErrorCode(int family, int code, String reason) implements StunAttribute {
    public AddressErrorCode {
        Objects.requireNonNull(reason, "reason");
        if (code < 300 || code > 699 || family < 0 || family > 0xFF) {
            throw new IllegalArgumentException("bad ADDRESS-ERROR-CODE " + family + "/" + code);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.ADDRESS_ERROR_CODE;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u8(family);
        out.u8(0);
        out.u8(code / 100);
        out.u8(code % 100);
        out.bytes(reason.getBytes(StandardCharsets.UTF_8));
    }
}
