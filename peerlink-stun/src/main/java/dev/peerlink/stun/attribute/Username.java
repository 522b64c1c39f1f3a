package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** USERNAME (RFC 8489 §14.3): UTF-8, at most 513 bytes. */
public record Username(String value) implements StunAttribute {
    /** Longest encoded value the RFC allows, in bytes. */
    public static final int MAX_BYTES = 513;

    public Username {
        Objects.requireNonNull(value, "value");
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("Username longer than " + MAX_BYTES + " bytes");
        }
    }

    @Override
    public int type() {
        return AttributeType.USERNAME;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value.getBytes(StandardCharsets.UTF_8));
    }
}
