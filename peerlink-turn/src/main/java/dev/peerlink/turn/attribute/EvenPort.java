package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** EVEN-PORT (RFC 8656 §18.8): ask for an even relayed port, optionally reserving the next one (R bit). */
public record EvenPort(boolean reserveNext) implements StunAttribute {
    @Override
    public int type() {
        return TurnAttributeType.EVEN_PORT;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u8(reserveNext ? 0x80 : 0);
    }
}
