package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** REQUESTED-TRANSPORT (RFC 8656 §18.7): IANA protocol number (17 UDP, 6 TCP per RFC 6062) and 3 reserved bytes. */
public record RequestedTransport(int protocol) implements StunAttribute {
    public static final int UDP = 17;
    public static final int TCP = 6;

    public RequestedTransport {
        if (protocol < 0 || protocol > 0xFF) {
            throw new IllegalArgumentException("protocol is 8 bits: " + protocol);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.REQUESTED_TRANSPORT;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u8(protocol);
        out.fill(0, 3);
    }
}
