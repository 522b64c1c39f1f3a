package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** DONT-FRAGMENT (RFC 8656 §18.9): set DF on packets relayed to the peer. No value. */
public record DontFragment() implements StunAttribute {
    @Override
    public int type() {
        return TurnAttributeType.DONT_FRAGMENT;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        // empty value
    }
}
