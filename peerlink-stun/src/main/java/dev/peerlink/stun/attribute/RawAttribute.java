package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.util.Arrays;
import java.util.HexFormat;

/** An attribute this codec has no type for: kept byte for byte so it can be inspected or relayed. */
public record RawAttribute(int type, byte[] value) implements StunAttribute {
    public RawAttribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("attribute type out of range: " + type);
        }
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value too long");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawAttribute r && r.type == type && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "RawAttribute[" + AttributeType.name(type) + "=" + HexFormat.of().formatHex(value) + "]";
    }
}
