package dev.peerlink.stun;

import dev.peerlink.stun.internal.ByteSink;

/**
 * One STUN attribute. Implementations are immutable value types; each knows its type code and how
 * to write its value. Decoding lives in {@link AttributeRegistry}, so other modules (TURN) can add
 * attribute types without touching this package.
 */
public interface StunAttribute {
    /** The 16-bit attribute type. */
    int type();

    /**
     * Writes the attribute value (no type, length or padding). {@code header} is the 20-byte
     * message header, which XOR-ed address attributes need.
     */
    void writeValue(ByteSink out, byte[] header);

    /** Comprehension-required attributes are 0x0000–0x7FFF (RFC 8489 §14). */
    static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }
}
