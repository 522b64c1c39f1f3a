package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.util.Arrays;
import java.util.HexFormat;

/** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256, truncated to 16–32 bytes in steps of 4. */
public record MessageIntegritySha256(byte[] value) implements StunAttribute {
    public MessageIntegritySha256 {
        if (!validLength(value.length)) {
            throw new IllegalArgumentException("MessageIntegritySha256 value of " + value.length + " bytes");
        }
        value = value.clone();
    }

    public static boolean validLength(int n) {
        return n >= 16 && n <= 32 && n % 4 == 0;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY_SHA256;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageIntegritySha256 other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "MessageIntegritySha256[" + HexFormat.of().formatHex(value) + "]";
    }
}
