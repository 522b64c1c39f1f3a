package dev.peerlink.turn.attribute;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import dev.peerlink.turn.TurnAttributeType;
import java.util.Arrays;

/** DATA (RFC 8656 §18.4): the application payload of a Send or Data indication. */
public record Data(byte[] value) implements StunAttribute {
    public Data {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("DATA longer than 65535 bytes");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    @Override
    public int type() {
        return TurnAttributeType.DATA;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data d && Arrays.equals(value, d.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Data[" + value.length + " bytes]";
    }
}
