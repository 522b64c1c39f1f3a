package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.util.Arrays;
import java.util.HexFormat;

/** USERHASH (RFC 8489 §14.4): SHA-256 of username and realm, 32 bytes. */
public record UserHash(byte[] value) implements StunAttribute {
    public UserHash {
        if (!validLength(value.length)) {
            throw new IllegalArgumentException("UserHash value of " + value.length + " bytes");
        }
        value = value.clone();
    }

    public static boolean validLength(int n) {
        return n == 32;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public int type() {
        return AttributeType.USERHASH;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserHash other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "UserHash[" + HexFormat.of().formatHex(value) + "]";
    }
}
