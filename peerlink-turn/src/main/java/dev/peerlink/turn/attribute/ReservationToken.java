package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** RESERVATION-TOKEN (RFC 8656 §18.10): 8 opaque bytes naming a reserved relayed port. */
public record ReservationToken(long token) implements StunAttribute {
    @Override
    public int type() {
        return TurnAttributeType.RESERVATION_TOKEN;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u32((int) (token >>> 32));
        out.u32((int) token);
    }
}
