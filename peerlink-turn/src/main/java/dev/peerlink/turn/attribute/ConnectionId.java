package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** CONNECTION-ID (RFC 6062 §6.2.1): names a TCP connection to a peer. Unsigned 32 bits. */
public record ConnectionId(long id) implements StunAttribute {
    public ConnectionId {
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("connection ID is 32 bits: " + id);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.CONNECTION_ID;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u32((int) id);
    }
}
