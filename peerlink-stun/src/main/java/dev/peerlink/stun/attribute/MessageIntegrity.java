package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.util.Arrays;
import java.util.HexFormat;

/** MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1, 20 bytes. Computed by the encoder from a key; decoded for inspection. */
public record MessageIntegrity(byte[] value) implements StunAttribute {
    public MessageIntegrity {
        if (!validLength(value.length)) {
            throw new IllegalArgumentException("MessageIntegrity value of " + value.length + " bytes");
        }
        value = value.clone();
    }

    public static boolean validLength(int n) {
        return n == 20;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageIntegrity other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "MessageIntegrity[" + HexFormat.of().formatHex(value) + "]";
    }
}
