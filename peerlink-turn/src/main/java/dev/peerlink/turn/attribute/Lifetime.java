package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;

/** LIFETIME (RFC 8656 §18.2): seconds an allocation should live; 0 deletes it. Unsigned 32 bits. */
public record Lifetime(long seconds) implements StunAttribute {
    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("lifetime is an unsigned 32-bit value: " + seconds);
        }
    }

    @Override
    public int type() {
        return TurnAttributeType.LIFETIME;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.u32((int) seconds);
    }
}
