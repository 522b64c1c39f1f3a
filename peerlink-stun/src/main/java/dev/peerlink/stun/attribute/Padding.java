package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;

/** PADDING (RFC 5780 §7.6): filler used to probe fragmentation; only its length matters. */
public record Padding(int length) implements StunAttribute {
    public Padding {
        if (length < 0 || length > 0xFFFF) {
            throw new IllegalArgumentException("padding length out of range: " + length);
        }
    }

    @Override
    public int type() {
        return AttributeType.PADDING;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.fill(0, length);
    }
}
