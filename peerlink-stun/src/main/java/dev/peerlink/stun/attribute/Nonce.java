package dev.peerlink.stun.attribute;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.internal.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** NONCE (RFC 8489 §14.10): fewer than 128 characters, at most 763 bytes. */
public record Nonce(String value) implements StunAttribute {
    /** Longest encoded value the RFC allows, in bytes. */
    public static final int MAX_BYTES = 763;

    public Nonce {
        Objects.requireNonNull(value, "value");
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("Nonce longer than " + MAX_BYTES + " bytes");
        }
    }

    @Override
    public int type() {
        return AttributeType.NONCE;
    }

    @Override
    public void writeValue(ByteSink out, byte[] header) {
        out.bytes(value.getBytes(StandardCharsets.UTF_8));
    }
}
